"""The SKU forms: the staff page's (with specifications as rows of name and value)
and the admin's. They read what was typed; ``skus.services`` decides and saves."""

import json
from decimal import Decimal
from typing import Any, cast

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from articles.forms import add_service_error
from articles.models import MAX_SPECIFICATION_KEY, MAX_SPECIFICATION_VALUE

from .models import SKU
from .services import EDITABLE_FIELDS
from .wording import percent_text

HUNDRED = Decimal(100)


class SKUForm(forms.ModelForm):
    """A SKU's own fields, with the depreciation typed as a percentage a year.

    The code is a plain field, not the model's: its uniqueness is the service's to
    check (it says on the code field which SKU has it), where the model's own check
    would say it above the form without naming the SKU.
    """

    code = forms.CharField(max_length=SKU._meta.get_field("code").max_length)
    depreciation_percent = forms.DecimalField(
        label="Depreciation per year (%)",
        required=False,
        min_value=Decimal(0),
        max_value=HUNDRED,
        max_digits=5,
        decimal_places=2,
    )

    class Meta:
        model = SKU
        fields = [
            "name",
            "description",
            "expected_lifetime_days",
            "selloff_window_days",
            "replacement_price",
            "renewal_hurdle",
        ]
        labels = {
            "expected_lifetime_days": "Expected lifetime (days)",
            "replacement_price": f"Replacement price ({settings.CURRENCY})",
            "renewal_hurdle": f"Renewal hurdle ({settings.CURRENCY})",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    field_order = [
        "code",
        "name",
        "description",
        "depreciation_percent",
        "expected_lifetime_days",
        "selloff_window_days",
        "replacement_price",
        "renewal_hurdle",
    ]

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk is not None:
            self.initial["code"] = self.instance.code
            rate = self.instance.depreciation_rate
            if rate is not None:
                self.initial["depreciation_percent"] = (rate * HUNDRED).normalize()
        default_rate = percent_text(settings.DEPRECIATION_RATE)
        hurdle_share = percent_text(settings.RENEWAL_HURDLE_SHARE)
        help_texts = {
            "code": "Unique, whatever the case, e.g. CITY-M. New article numbers start with it.",
            "depreciation_percent": f"Share of its value an article loses a year. "
            f"Empty: {default_rate}, the installation's default.",
            "expected_lifetime_days": "After it, a sell-off candidate is marked as past "
            "its expected lifetime. Empty: none.",
            "selloff_window_days": f"The period over which sell-off candidates are judged. "
            f"Empty: {settings.SELLOFF_WINDOW_DAYS} days, the installation's default.",
            "replacement_price": "The price of a new article. Empty: the price of the most "
            "recently purchased one.",
            "renewal_hurdle": "What selling one article and buying a new one costs in money "
            f"and effort. Empty: {hurdle_share} of the replacement price.",
        }
        for name, text in help_texts.items():
            self.fields[name].help_text = text

    def service_data(self) -> dict[str, Any]:
        """The typed values as ``sku_create`` and ``sku_update`` take them."""
        data = {name: self.cleaned_data[name] for name in ("code", *(self._meta.fields or ()))}
        percent = self.cleaned_data.get("depreciation_percent")
        data["depreciation_rate"] = None if percent is None else percent / HUNDRED
        return data

    def refusal_add(self, refusal: ValidationError) -> None:
        """Show the service's refusal on its field (the depreciation rate on the
        percentage), else above the form."""
        if hasattr(refusal, "error_dict"):
            for name, errors in refusal.error_dict.items():
                field = "depreciation_percent" if name == "depreciation_rate" else name
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, refusal)


class SpecificationForm(forms.Form):
    key = forms.CharField(label="Name", required=False, max_length=MAX_SPECIFICATION_KEY)
    value = forms.CharField(label="Value", required=False, max_length=MAX_SPECIFICATION_VALUE)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        key = (cleaned.get("key") or "").strip()
        value = (cleaned.get("value") or "").strip()
        if value and not key:
            self.add_error("key", "Give this value a name, such as size or colour.")
        cleaned["key"], cleaned["value"] = key, value
        return cleaned


class BaseSpecificationFormSet(forms.BaseFormSet):
    """The SKU's specifications as rows; a row without a name, or ticked to be
    removed, is left out."""

    def clean(self) -> None:
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            key = form.cleaned_data.get("key")
            if key and key in seen:
                form.add_error("key", f"The specification {key} is given twice.")
            seen.add(key or "")

    def specifications(self) -> dict[str, str]:
        return {
            form.cleaned_data["key"]: form.cleaned_data["value"]
            for form in self.forms
            if form.cleaned_data.get("key") and not form.cleaned_data.get("DELETE")
        }


# formset_factory is typed as making a BaseFormSet; it makes a subclass of ``formset``.
SpecificationFormSet = cast(
    type[BaseSpecificationFormSet],
    forms.formset_factory(
        SpecificationForm, formset=BaseSpecificationFormSet, extra=3, can_delete=True
    ),
)


def specification_initial(sku: SKU | None) -> list[dict[str, str]]:
    """The SKU's specifications as rows (a value that is not text, as an import or
    the admin may have stored, is shown as JSON)."""
    if sku is None:
        return []
    return [
        {"key": key, "value": value if isinstance(value, str) else json.dumps(value)}
        for key, value in (sku.specifications or {}).items()
    ]


class SKUAdminForm(forms.ModelForm):
    """The admin's SKU form; a refusal of the service that saves it comes back here."""

    # Set by SKUAdmin when the service refused a save the form had accepted.
    service_refusal: ValidationError | None = None

    class Meta:
        model = SKU
        fields = list(EDITABLE_FIELDS)

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.service_refusal is not None:
            add_service_error(self, self.service_refusal)
        return self.cleaned_data
