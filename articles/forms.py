"""Forms of the admin's article tools. They collect input; the services decide.

Every form here is handed to a function of ``articles.services``; a refusal from the
service comes back onto the form with ``add_service_error``.
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.admin import widgets
from django.core.exceptions import ValidationError
from django.utils import timezone

from . import rules
from .fields import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from .models import Allocation, Article, Condition, EventKind, Status, Store
from .services import EDITABLE_FIELDS

CONDITION_CHOICES = [("", "(unchanged)"), *Condition.choices]
NEGATIVE_HELP = "Only an adjustment may be negative, to correct an amount."


def money_field(*, negative: bool = False, **kwargs: Any) -> forms.DecimalField:
    """A form field for an amount of money the ledger can hold (2 places), >= 0
    unless ``negative``: only where the kind may be a correction
    (``kinds.NEGATIVE_KINDS``), whose rule the service applies."""
    return forms.DecimalField(
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        min_value=None if negative else Decimal("0"),
        **kwargs,
    )


def _checked(check: Callable[..., None], value: Any, **kwargs: Any) -> Any:
    """``value`` after a rule of ``articles.rules`` accepted it; its refusal, meant
    for a model field, becomes the form field's error."""
    try:
        check(value, **kwargs)
    except ValidationError as error:
        raise ValidationError(error.messages) from None
    return value


def _purchase_date(value: dt.date | None) -> dt.date | None:
    return value if value is None else _checked(rules.check_purchase_date, value)


def add_service_error(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's refusal on ``form``: on the field it names when the form has
    that field, otherwise at the top of the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _datetime_field(label: str, *, required: bool, help_text: str = "") -> forms.SplitDateTimeField:
    return forms.SplitDateTimeField(
        label=label,
        required=required,
        widget=widgets.AdminSplitDateTime,
        help_text=help_text,
    )


class ArticleAdminForm(forms.ModelForm):
    """The article's own fields. Adding sets where it starts (store, status and
    condition); afterwards those change only through events, so the change page
    edits only ``services.EDITABLE_FIELDS`` and shows the rest read-only."""

    # Set by ArticleAdmin when the service refused a change the form had accepted.
    service_refusal: ValidationError | None = None

    class Meta:
        model = Article
        fields = [*EDITABLE_FIELDS, "store", "status", "condition"]
        labels = {"sku": "SKU"}
        # The admin shows help texts as HTML: no angle brackets here.
        help_texts = {"number": "Unique (case-insensitive): an EAN, or e.g. CITY-M-0012."}
        widgets = {
            "specifications": forms.Textarea(attrs={"rows": 3, "cols": 60}),
            "notes": forms.Textarea(attrs={"rows": 3, "cols": 60}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "number" in self.fields and self.instance.pk is None:
            self.fields["number"].required = False
            self.fields["number"].help_text = (
                "An EAN or your own number. Empty: the SKU code and the next free "
                "sequence, e.g. CITY-M-0012."
            )
        status = self.fields.get("status")
        if isinstance(status, forms.ChoiceField):
            status.choices = [
                (Status.ACTIVE, Status.ACTIVE.label),
                (Status.OUT_OF_USE, Status.OUT_OF_USE.label),
            ]
            status.help_text = (
                "A new article starts active or out of use; disposals are recorded as events."
            )

    def clean_purchased_on(self) -> dt.date | None:
        return _purchase_date(self.cleaned_data.get("purchased_on"))

    def clean(self):
        cleaned_data = super().clean()
        if self.service_refusal is not None:
            add_service_error(self, self.service_refusal)
        return cleaned_data


class EventRecordForm(forms.Form):
    """One ledger row of any kind (except the acquisition, written when an article is
    added), for ``services.event_record``."""

    kind = forms.ChoiceField(
        choices=[(value, label) for value, label in EventKind.choices if value != "acquisition"]
    )
    occurred_at = _datetime_field(
        "Occurred at",
        required=True,
        help_text="For rentals, subscriptions and downtime: the start.",
    )
    ended_at = _datetime_field(
        "Ended at",
        required=False,
        help_text="Rentals, subscriptions and service downtime only. Empty: still running.",
    )
    due_at = _datetime_field(
        "Due at",
        required=False,
        help_text="Rentals, subscriptions and service downtime only: when it should end. "
        "Still open after it, it is overdue.",
    )
    revenue = money_field(required=False, negative=True, help_text=NEGATIVE_HELP)
    cost = money_field(required=False, negative=True, help_text=NEGATIVE_HELP)
    reference = forms.CharField(
        required=False, max_length=100, help_text="Order or work-order id from another system."
    )
    condition = forms.ChoiceField(
        choices=CONDITION_CHOICES,
        required=False,
        help_text="The grade after the event (inspections need one).",
    )
    store = forms.ModelChoiceField(
        queryset=Store.objects.all(), required=False, help_text="Transfers: the destination."
    )
    status = forms.ChoiceField(
        choices=[("", "---------"), *Status.choices],
        required=False,
        help_text="Status changes: the target. Service work: out of use opens a downtime.",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurred_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class UsageEndForm(forms.Form):
    """The return of a rental or subscription (``services.usage_end``)."""

    ended_at = _datetime_field("Ended at", required=True)
    revenue = money_field(
        required=False,
        help_text="What it earned in all. Empty: as recorded at the start. A different "
        "amount is recorded as an income or adjustment with its reference.",
    )
    cost = money_field(
        required=False,
        help_text="What it cost in all. Empty: as recorded at the start. A different "
        "amount is recorded as an expense or adjustment with its reference.",
    )
    condition = forms.ChoiceField(
        choices=CONDITION_CHOICES,
        required=False,
        help_text="The grade it came back in. Empty: the grade it was given at the start.",
    )
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Recorded as a note with its reference.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ended_at"].initial = timezone.localtime().replace(second=0, microsecond=0)


class ServiceEndForm(UsageEndForm):
    """The end of a service event's downtime (``services.service_end``)."""

    # Django's way to remove a declared field from a subclass; the stubs type the
    # attribute as the parent's field.
    revenue = None  # type: ignore[assignment]


# --- changelist actions ------------------------------------------------------------


class TransferActionForm(forms.Form):
    store = forms.ModelChoiceField(queryset=Store.objects.all(), label="Move to")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StatusChangeActionForm(forms.Form):
    status = forms.ChoiceField(choices=Status.choices, label="New status")
    notes = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the status changes.",
    )


class RetireActionForm(forms.Form):
    cost = money_field(required=False, label="Disposal cost (each)", initial=Decimal("0"))
    notes = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Scrapped, recycled or donated, and why.",
    )


class ReportLostActionForm(forms.Form):
    revenue = money_field(
        required=False,
        label="Recovered (each)",
        initial=Decimal("0"),
        help_text="Insurance or a charge to the customer.",
    )
    notes = forms.CharField(
        label="What happened", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


# --- SKU: add articles in a batch ----------------------------------------------------


class ArticleBatchForm(forms.Form):
    """Many articles of one SKU at once (``services.articles_create_batch``)."""

    count = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=1000,
        help_text="How many articles to add with generated numbers <SKU code>-<sequence>.",
    )
    numbers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Or the numbers of the articles (EANs), one a line.",
    )
    store = forms.ModelChoiceField(queryset=Store.objects.all())
    purchased_on = forms.DateField(widget=widgets.AdminDateWidget)
    purchase_price = money_field(initial=Decimal("0"))
    allocation = forms.ChoiceField(choices=Allocation.choices, initial=Allocation.RENTAL)
    condition = forms.ChoiceField(choices=Condition.choices, initial=Condition.NEW)
    manufacturer = forms.CharField(required=False, max_length=100)
    model = forms.CharField(required=False, max_length=100)
    production_year = forms.IntegerField(required=False, min_value=1900, max_value=2100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["purchased_on"].initial = timezone.localdate()

    def clean_purchased_on(self) -> dt.date | None:
        return _purchase_date(self.cleaned_data.get("purchased_on"))

    def clean(self):
        super().clean()
        cleaned_data = self.cleaned_data
        count, numbers = cleaned_data.get("count"), cleaned_data.get("numbers", "").strip()
        if count and numbers:
            raise ValidationError("Give either a count or a list of numbers, not both.")
        if not count and not numbers and "count" not in self.errors:
            raise ValidationError("Give a count or a list of numbers.")
        return cleaned_data

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        count, numbers = data.pop("count"), data.pop("numbers").strip()
        if numbers:
            data["numbers"] = numbers.splitlines()
        else:
            data["count"] = count
        return data
