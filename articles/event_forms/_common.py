"""What the event forms share: who asks, how a moment is typed and said, and the
fields every kind's form builds on."""

import datetime as dt
from typing import Any, Protocol

from django import forms
from django.utils import formats, timezone

from articles.choices import Condition
from articles.kinds import KINDS


class Asker(Protocol):
    """Who acts on the page: a user (or the anonymous one), asked for permissions."""

    def has_perm(self, perm: str, obj: Any = ...) -> bool: ...


def short_moment(value: dt.datetime) -> str:
    """A moment as a message says it: "4 Dec 10:00", with the year when it is not this one."""
    local = timezone.localtime(value)
    same_year = local.year == timezone.localdate().year
    return formats.date_format(local, "j M H:i" if same_year else "j M Y H:i")


def label_of(kind: str) -> str:
    return KINDS[kind].label.lower()


MOMENT_FORMAT = "%Y-%m-%dT%H:%M"


def moment_field(label: str, *, required: bool, help_text: str = "") -> forms.DateTimeField:
    """A date and time typed in the installation's time zone (the browser's own picker)."""
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=MOMENT_FORMAT),
        input_formats=[MOMENT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"],
    )


def now_to_the_minute() -> dt.datetime:
    return timezone.localtime().replace(second=0, microsecond=0)


def notes_field(
    label: str = "Notes", *, required: bool = False, help_text: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def condition_field(
    label: str, *, required: bool, initial: str, help_text: str = ""
) -> forms.ChoiceField:
    choices = Condition.choices if required else [("", "(unchanged)"), *Condition.choices]
    return forms.ChoiceField(
        label=label, choices=choices, required=required, initial=initial, help_text=help_text
    )
