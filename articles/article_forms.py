"""Forms of the staff pages that add and edit articles. They collect input; the
services (``article_create``, ``articles_create_batch``, ``article_update``) decide.

The admin's forms (``articles.forms``) lend their money field, their purchase date
rule and the batch form; here dates are plain date inputs (the staff pages run no
admin JavaScript), the purchase price exists only for someone who may see money, and
specifications are edited as key/value rows rather than as JSON.
"""

import datetime as dt
import json
from typing import Any, ClassVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from skus.models import SKU

from . import rules
from .forms import ArticleBatchForm, money_field
from .models import (
    MAX_SPECIFICATION_KEY,
    MAX_SPECIFICATION_VALUE,
    MAX_SPECIFICATIONS,
    PRODUCTION_YEAR_RANGE,
    Allocation,
    Article,
    Condition,
    Status,
    Store,
    specification_errors,
)

# Empty rows offered below an article's specifications, to add new ones.
EXTRA_SPECIFICATION_ROWS = 3
# A POST naming more rows than this is refused before any row is read.
MAX_SPECIFICATION_ROWS = 2 * MAX_SPECIFICATIONS
START_STATUSES = [
    (Status.ACTIVE, Status.ACTIVE.label),
    (Status.OUT_OF_USE, Status.OUT_OF_USE.label),
]
# Numbers of a pasted list named in one refusal; past them, the list needs a look.
SHOWN_REFUSALS = 20
PRICE_HELP = "What one article cost, without the currency sign."


class Fieldsets:
    """A form whose page shows its fields in titled groups (``groups``)."""

    groups: ClassVar[list[tuple[str, list[str]]]] = []

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The groups' fields; one the form left out (the price, for someone who may
        not see money) is left out of its group."""
        assert isinstance(self, forms.BaseForm)
        return [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in self.groups
        ]


def date_input() -> forms.DateInput:
    """The browser's own date picker; it sends ISO dates, which every locale reads."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def sku_field(**kwargs: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=SKU.objects.order_by("code"), label="SKU", empty_label="Choose a SKU", **kwargs
    )


def store_field(**kwargs: Any) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Store.objects.order_by("name"), empty_label="Choose a store", **kwargs
    )


def sku_from_code(code: str | None) -> SKU | None:
    """The SKU a ``?sku=`` parameter names, or None for an empty or unknown code."""
    if not code:
        return None
    try:
        return SKU.objects.get_by_code(code)
    except SKU.DoesNotExist:
        return None


def shown_value(value: object) -> str:
    """A specification's value as a row shows it: text as it is, anything else
    (a number or list from an import) as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


# --- specifications as key/value rows ------------------------------------------------


class SpecificationRowForm(forms.Form):
    """One specification: a name and its value. A row with neither is ignored."""

    key = forms.CharField(
        label="Name",
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"maxlength": MAX_SPECIFICATION_KEY, "size": 16}),
    )
    value = forms.CharField(
        label="Value",
        required=False,
        strip=True,
        widget=forms.TextInput(attrs={"maxlength": MAX_SPECIFICATION_VALUE, "size": 24}),
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        key, value = self.cleaned_data.get("key", ""), self.cleaned_data.get("value", "")
        if value and not key:
            self.add_error("key", "Give this value a name, such as size or colour.")
        elif key:
            # The limits of ``specification_errors``, each on the input it is about.
            of_key = [message for _, message in specification_errors({key: ""})]
            for _, message in specification_errors({key: value}):
                self.add_error("key" if message in of_key else "value", message)
        return self.cleaned_data


class BaseSpecificationFormSet(forms.BaseFormSet):
    """Rows of specifications; ``specifications()`` gives them as the dict the
    article stores. A value shown as JSON and left as it was keeps its type."""

    def __init__(self, data: Any = None, *args: Any, original: dict | None = None, **kwargs: Any):
        self.original = original or {}
        if data is None:
            # By name: PostgreSQL's jsonb keeps no order of its own.
            kwargs["initial"] = [
                {"key": key, "value": shown_value(value)}
                for key, value in sorted(self.original.items(), key=lambda item: item[0].lower())
            ]
        # A posted formset is read without initial rows: a row is what was sent, so a
        # row left as it was counts as much as a changed one, whatever the count of
        # initial rows the page sent says.
        super().__init__(data, *args, **kwargs)

    def _kept_rows(self) -> list[tuple[int, dict[str, Any]]]:
        """(row number, cleaned data) of the rows that name a specification."""
        rows = []
        for number, form in enumerate(self.forms, start=1):
            data = getattr(form, "cleaned_data", None) or {}
            if self.can_delete and data.get("DELETE"):
                continue
            if data.get("key"):
                rows.append((number, data))
        return rows

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        seen: dict[str, int] = {}
        for number, data in self._kept_rows():
            key = data["key"]
            if key in seen:
                self.forms[number - 1].add_error(
                    "key", f"Row {seen[key]} already names {key}; give each name once."
                )
            seen.setdefault(key, number)
        if len(seen) > MAX_SPECIFICATIONS:
            raise ValidationError(
                f"An article can have at most {MAX_SPECIFICATIONS} specifications; "
                f"these rows name {len(seen)}."
            )

    def specifications(self) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for _, data in self._kept_rows():
            key, text = data["key"], data.get("value", "")
            if key in self.original and shown_value(self.original[key]) == text:
                result[key] = self.original[key]
            else:
                result[key] = text
        return result


SpecificationFormSet = cast(
    type[BaseSpecificationFormSet],
    forms.formset_factory(
        SpecificationRowForm,
        formset=BaseSpecificationFormSet,
        extra=EXTRA_SPECIFICATION_ROWS,
        can_delete=True,
        max_num=MAX_SPECIFICATION_ROWS,
        absolute_max=MAX_SPECIFICATION_ROWS,
    ),
)


# --- adding --------------------------------------------------------------------------


def drop_price_unless(form: forms.BaseForm, sees_money: bool) -> None:
    """Leaves out the purchase price for a user who may not see money: the article
    is added at 0, or keeps the price it has, and a manager sets it."""
    if not sees_money:
        form.fields.pop("purchase_price", None)
        form.fields["purchased_on"].help_text = "A manager enters the purchase price."


def checked_purchase_date(day: dt.date | None) -> dt.date | None:
    """``day`` once ``rules.check_purchase_date`` accepted it (between 1900 and today);
    its refusal becomes the form field's error."""
    if day is not None:
        try:
            rules.check_purchase_date(day)
        except ValidationError as error:
            raise ValidationError(error.messages) from None
    return day


class ArticleAddForm(Fieldsets, forms.Form):
    """One article for ``services.article_create``; specifications come from a
    ``SpecificationFormSet`` beside it."""

    sku = sku_field()
    number = forms.CharField(
        required=False,
        max_length=64,
        help_text="An EAN or your own number. Empty: the SKU code and the next free "
        "sequence, such as CITY-M-0012.",
    )
    store = store_field()
    status = forms.ChoiceField(
        choices=START_STATUSES,
        initial=Status.ACTIVE,
        label="Starts as",
        help_text="An article can start out of use, e.g. until it is inspected.",
    )
    allocation = forms.ChoiceField(choices=Allocation.choices, initial=Allocation.RENTAL)
    condition = forms.ChoiceField(choices=Condition.choices, initial=Condition.NEW)
    purchased_on = forms.DateField(label="Purchased on", widget=date_input())
    purchase_price = money_field(required=False, label="Purchase price", help_text=PRICE_HELP)
    serial_number = forms.CharField(required=False, max_length=100, label="Serial number")
    manufacturer = forms.CharField(required=False, max_length=100)
    model = forms.CharField(required=False, max_length=100)
    production_year = forms.IntegerField(
        required=False,
        min_value=PRODUCTION_YEAR_RANGE[0],
        max_value=PRODUCTION_YEAR_RANGE[1],
        label="Production year",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    groups = [
        (
            "The article",
            ["sku", "number", "serial_number", "manufacturer", "model", "production_year", "notes"],
        ),
        ("Where and how it starts", ["store", "status", "allocation", "condition"]),
        ("Purchase", ["purchased_on", "purchase_price"]),
    ]

    def __init__(self, *args: Any, sees_money: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purchased_on"].initial = timezone.localdate()
        drop_price_unless(self, sees_money)

    def clean_purchased_on(self) -> dt.date | None:
        return checked_purchase_date(self.cleaned_data.get("purchased_on"))

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if data.get("purchase_price") is None:
            data.pop("purchase_price", None)
        return data


class StaffArticleBatchForm(Fieldsets, ArticleBatchForm):
    """The admin's batch form on a staff page: the SKU is chosen on the form, and a
    pasted list is checked line by line before the service runs, so that a refusal
    names the line."""

    sku = sku_field()
    purchased_on = forms.DateField(label="Purchased on", widget=date_input())
    status = forms.ChoiceField(
        choices=START_STATUSES,
        initial=Status.ACTIVE,
        label="Starts as",
        help_text="Articles can start out of use, e.g. until they are inspected.",
    )
    groups = [
        ("Into which SKU, and how many", ["sku", "count", "numbers"]),
        ("Where and how they start", ["store", "status", "allocation", "condition"]),
        ("Purchase", ["purchased_on", "purchase_price"]),
        ("What they are", ["manufacturer", "model", "production_year"]),
    ]

    def __init__(self, *args: Any, sees_money: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["store"] = store_field()
        self.fields["count"].label = "How many"
        self.fields["count"].help_text = (
            "Articles to add with generated numbers: the SKU code and the next free "
            "sequences, such as CITY-M-0012."
        )
        self.fields["numbers"].label = "Or their numbers"
        self.fields["numbers"].help_text = "One number a line, e.g. scanned EANs."
        self.fields["purchase_price"].label = "Purchase price (each)"
        self.fields["production_year"].label = "Production year"
        drop_price_unless(self, sees_money)

    def clean_numbers(self) -> str:
        """The pasted list, refused with the line of a repeated or taken number."""
        text: str = self.cleaned_data.get("numbers", "")
        lines: dict[str, int] = {}
        errors: list[tuple[int, str]] = []
        for line, raw in enumerate(text.splitlines(), start=1):
            number = raw.strip()
            if not number:
                continue
            if number.lower() in lines:
                errors.append((line, f"{number} is already on line {lines[number.lower()]}."))
            else:
                lines[number.lower()] = line
        taken = list(
            Article.objects.annotate(lowered=Lower("number"))
            .filter(lowered__in=list(lines))
            .order_by("number")
            .values_list("number", flat=True)[: SHOWN_REFUSALS + 1]
        )
        for number in taken[:SHOWN_REFUSALS]:
            errors.append((lines[number.lower()], f"an article numbered {number} already exists."))
        messages = [f"Line {line}: {message}" for line, message in sorted(errors)]
        count = self.fields["count"]
        most = count.max_value if isinstance(count, forms.IntegerField) else None
        if most is not None and len(lines) > most:
            messages.insert(0, f"A batch adds at most {most} articles; this list has {len(lines)}.")
        if len(taken) > SHOWN_REFUSALS:
            messages.append("More numbers of the list already exist; check the whole list.")
        if messages:
            raise ValidationError(messages)
        return text

    def clean(self) -> dict[str, Any]:
        if "numbers" in self.errors:
            # The list's own refusal says what is wrong; "give a count or a list"
            # would not.
            return self.cleaned_data
        return super().clean()


# --- editing -------------------------------------------------------------------------


class ArticleEditForm(Fieldsets, forms.ModelForm):
    """The descriptive fields (``services.EDITABLE_FIELDS`` but the specifications,
    which are rows of a ``SpecificationFormSet``). It only collects: the instance is
    never saved by the form, ``article_update`` saves what changed."""

    class Meta:
        model = Article
        fields = [
            "number",
            "sku",
            "allocation",
            "purchased_on",
            "purchase_price",
            "serial_number",
            "manufacturer",
            "model",
            "production_year",
            "notes",
        ]
        labels = {
            "sku": "SKU",
            "purchased_on": "Purchased on",
            "purchase_price": "Purchase price",
            "serial_number": "Serial number",
            "production_year": "Production year",
        }
        help_texts = {
            "number": "Changing it needs a new label: the old one points to the old number.",
            "purchase_price": PRICE_HELP,
        }
        widgets = {"purchased_on": date_input(), "notes": forms.Textarea(attrs={"rows": 3})}

    groups: ClassVar[list[tuple[str, list[str]]]] = [
        (
            "The article",
            ["number", "sku", "serial_number", "manufacturer", "model", "production_year", "notes"],
        ),
        ("Use and purchase", ["allocation", "purchased_on", "purchase_price"]),
    ]

    def __init__(self, *args: Any, sees_money: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        sku = self.fields["sku"]
        assert isinstance(sku, forms.ModelChoiceField)
        sku.queryset = SKU.objects.order_by("code")
        drop_price_unless(self, sees_money)

    def _post_clean(self) -> None:
        """Skip the ModelForm's model validation: ``article_update`` runs it on the
        locked row, and its refusal comes back onto this form."""

    def clean_purchased_on(self) -> dt.date | None:
        return checked_purchase_date(self.cleaned_data.get("purchased_on"))

    def changes(self) -> dict[str, Any]:
        """What ``article_update`` gets: every field the form shows (it keeps what did
        not change), and so never the purchase price of someone who may not see it."""
        return {field: self.cleaned_data[field] for field in self.fields}


# --- label sheets ----------------------------------------------------------------------

ANY_STATUS = "any"


class LabelSheetForm(forms.Form):
    """Which articles a sheet of labels holds (``/labels/?sku=``): a SKU's, active
    ones unless another status is asked for, optionally of one store or bought on
    one day (as a batch is)."""

    sku = forms.CharField(
        label="SKU",
        max_length=64,
        help_text="Its code, such as CITY-M.",
        # The page lists the SKUs' codes in a <datalist> of this id, to choose from.
        widget=forms.TextInput(attrs={"list": "sku-codes", "autocomplete": "off"}),
    )
    store = forms.ModelChoiceField(
        queryset=Store.objects.order_by("name"), required=False, empty_label="All stores"
    )
    status = forms.ChoiceField(
        choices=[*Status.choices, (ANY_STATUS, "Any status")], required=False
    )
    purchased_on = forms.DateField(label="Purchased on", required=False, widget=date_input())

    def clean_sku(self) -> SKU:
        code = self.cleaned_data["sku"]
        sku = sku_from_code(code)
        if sku is None:
            raise ValidationError(f"There is no SKU {code}.")
        return sku

    def clean_status(self) -> str:
        return self.cleaned_data.get("status") or Status.ACTIVE

    def articles(self) -> "models.QuerySet[Article]":
        """The chosen articles in number order, with their SKUs (a valid form only)."""
        data = self.cleaned_data
        articles = Article.objects.filter(sku=data["sku"]).select_related("sku")
        if data["status"] != ANY_STATUS:
            articles = articles.filter(status=data["status"])
        if data.get("store"):
            articles = articles.filter(store=data["store"])
        if data.get("purchased_on"):
            articles = articles.filter(purchased_on=data["purchased_on"])
        return articles.order_by("number")
