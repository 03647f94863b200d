"""The only way a SKU is added or changed: the staff pages and the admin both call these.

A SKU carries no ledger of its own; who added or changed it, and what, is kept in the
admin's history (``LogEntry``), so the admin's "History" of a SKU shows the changes
made on the staff pages too.
"""

from decimal import Decimal
from typing import Any, cast

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from articles.codes import normalized_field
from articles.services import User

from .models import SKU

# The fields a person keeps; ``next_article_sequence`` and the timestamps are the
# system's.
EDITABLE_FIELDS = (
    "code",
    "name",
    "description",
    "specifications",
    "depreciation_rate",
    "expected_lifetime_days",
    "selloff_window_days",
    "replacement_price",
    "renewal_hurdle",
)
CODE_TAKEN = "A SKU with the code {code} already exists; choose another code."


def _refuse_taken_code(code: str, *, other_than: int | None = None) -> None:
    """Codes are unique whatever their case: say which SKU already has this one."""
    taken = SKU.objects.filter(code__iexact=code).exclude(pk=other_than).first()
    if taken is not None:
        raise ValidationError({"code": CODE_TAKEN.format(code=taken.code)})


def _save(sku: SKU, code: str, **kwargs: Any) -> None:
    """Save a validated SKU; a code taken meanwhile by another session (the
    database's unique index) is refused like the check before it."""
    try:
        with transaction.atomic():
            sku.save(**kwargs)
    except IntegrityError as error:
        if "sku_code_unique_ci" in str(error):
            raise ValidationError({"code": CODE_TAKEN.format(code=code)}) from error
        raise


def _log(sku: SKU, *, acting_user: User, flag: int, message: str) -> None:
    """Note the change in the admin's history of the SKU, under who made it."""
    user_id = getattr(acting_user, "pk", None)
    if user_id is None:
        return  # a command or a test: nobody to name
    LogEntry.objects.create(
        user_id=user_id,
        content_type=ContentType.objects.get_for_model(SKU),
        object_id=str(sku.pk),
        object_repr=str(sku)[:200],
        action_flag=flag,
        change_message=message,
    )


@transaction.atomic
def sku_create(
    *,
    code: str,
    name: str,
    description: str = "",
    specifications: dict[str, str] | None = None,
    depreciation_rate: Decimal | None = None,
    expected_lifetime_days: int | None = None,
    selloff_window_days: int | None = None,
    replacement_price: Decimal | None = None,
    renewal_hurdle: Decimal | None = None,
    acting_user: User = None,
) -> SKU:
    """Add a SKU. Empty sell-off parameters use the installation's defaults."""
    code = normalized_field(code or "", field="code", what="The SKU code")
    sku = SKU(
        code=code,
        name=name,
        description=description,
        specifications=specifications or {},
        depreciation_rate=depreciation_rate,
        expected_lifetime_days=expected_lifetime_days,
        selloff_window_days=selloff_window_days,
        replacement_price=replacement_price,
        renewal_hurdle=renewal_hurdle,
    )
    _refuse_taken_code(code)
    sku.full_clean()
    _save(sku, code)
    _log(sku, acting_user=acting_user, flag=ADDITION, message="Added.")
    return sku


def _unchanged(sku: SKU, field: str, value: Any) -> bool:
    """Does ``value`` (possibly text, as forms give it) equal the SKU's?"""
    model_field = SKU._meta.get_field(field)
    if isinstance(model_field, models.Field) and not isinstance(model_field, models.JSONField):
        try:
            value = model_field.to_python(value)
        except ValidationError:
            return False  # not a value of the field: full_clean says why
    return bool(getattr(sku, field) == value)


@transaction.atomic
def sku_update(*, sku: SKU, data: dict[str, Any], acting_user: User = None) -> SKU:
    """Change what ``data`` names of ``sku``; only the fields that differ are written.

    The row is locked first, so two people saving the same SKU are served one after
    the other, each seeing what the other saved.
    """
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(f"{', '.join(unknown)} cannot be changed here.")
    if "code" in data:
        data = {
            **data,
            "code": normalized_field(data["code"] or "", field="code", what="The SKU code"),
        }
    sku = SKU.objects.select_for_update().get(pk=sku.pk)
    changes = {field: value for field, value in data.items() if not _unchanged(sku, field, value)}
    if not changes:
        return sku
    for field, value in changes.items():
        setattr(sku, field, value)
    if "code" in changes:
        _refuse_taken_code(sku.code, other_than=sku.pk)
    sku.full_clean()
    _save(sku, sku.code, update_fields=[*changes, "updated_at"])
    labels = [str(cast(models.Field, SKU._meta.get_field(field)).verbose_name) for field in changes]
    _log(sku, acting_user=acting_user, flag=CHANGE, message=f"Changed {', '.join(labels)}.")
    return sku
