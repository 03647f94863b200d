"""Identifiers people type or scan: article numbers, SKU codes and store names.

Two spellings that look the same are the same identifier: a value is normalized to
Unicode NFKC (a full-width letter becomes the plain letter) and trimmed; a value that
still holds an invisible or control character (a zero-width space, a soft hyphen, a
tab) is refused, since nobody could type it again to find what it names.
"""

import unicodedata

from django.core.exceptions import ValidationError

# Unicode categories nobody can see or type: controls, formats (zero-width spaces,
# joiners, bidirectional marks, soft hyphens), separators other than the plain
# space, private use and unassigned code points.
_HIDDEN = frozenset({"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"})


def normalized_code(value: str, *, what: str) -> str:
    """``value`` as stored and compared: NFKC, trimmed, every space a plain one.

    ``what`` names the value in the refusal ("The article number").
    """
    text = unicodedata.normalize("NFKC", value).strip()
    for character in text:
        category = unicodedata.category(character)
        if category in _HIDDEN or (category == "Zs" and character != " "):
            name = unicodedata.name(character, f"U+{ord(character):04X}").lower()
            raise ValidationError(
                f"{what} {text!r} holds an invisible or control character ({name}); "
                "type it again without it."
            )
    return text


def normalized_field(value: str, *, field: str, what: str) -> str:
    """``normalized_code`` for a form or model field: a refusal names ``field``."""
    try:
        return normalized_code(value, what=what)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from None


def lookup_code(value: str, *, what: str, missing: type[Exception]) -> str:
    """``value`` normalized for a look-up; a value that cannot name anything raises
    ``missing`` (the model's ``DoesNotExist``) with the reason, as a look-up that
    found nothing would."""
    try:
        return normalized_code(value, what=what)
    except ValidationError as error:
        raise missing(" ".join(error.messages)) from None
