"""The item form and its slots on the catalog pages. The forms only read what was
typed; every rule of an item is the service's (``catalog_item_save``), whose refusal
``refusal_add`` puts back on the forms in its own words."""

from typing import cast

from django import forms
from django.core.exceptions import ValidationError

from articles.models import Allocation
from skus.models import SKU

from .models import CatalogItem, CatalogItemKind
from .services import SlotSpec


class CatalogItemForm(forms.Form):
    code = forms.CharField(max_length=64, help_text="The item's id in the storefront.")
    name = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=CatalogItemKind.choices)
    purpose = forms.ChoiceField(choices=Allocation.choices, initial=Allocation.RENTAL)
    active = forms.BooleanField(required=False, initial=True)

    @classmethod
    def initial_of(cls, item: CatalogItem) -> dict[str, object]:
        return {name: getattr(item, name) for name in cls.base_fields}

    def refusal_add(self, refusal: ValidationError) -> None:
        """Show the service's refusal: on its field when the form has one, else above."""
        if hasattr(refusal, "error_dict"):
            for name, errors in refusal.error_dict.items():
                self.add_error(name if name in self.fields else None, errors)
        else:
            self.add_error(None, refusal)


class SlotForm(forms.Form):
    units = forms.IntegerField(required=False, initial=1)
    skus = forms.ModelMultipleChoiceField(
        queryset=SKU.objects.order_by("code"),
        required=False,
        label="Any of these SKUs",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )


class BaseSlotFormSet(forms.BaseFormSet):
    def slots(self) -> list[SlotSpec]:
        """The slots as typed, in order, for the service: an item's slots as they
        were unless removed, and any blank slot that was filled in."""
        slots: list[SlotSpec] = []
        for form in self.forms:
            units, skus = form.cleaned_data.get("units"), list(form.cleaned_data.get("skus") or [])
            blank = not form.initial and (not form.has_changed() or (units is None and not skus))
            if not blank and not form.cleaned_data.get("DELETE"):
                slots.append((units or 0, skus))
        return slots


# formset_factory is typed as making a BaseFormSet; it makes a subclass of ``formset``.
SlotFormSet = cast(
    type[BaseSlotFormSet],
    forms.formset_factory(SlotForm, formset=BaseSlotFormSet, extra=3, can_delete=True),
)


def slot_initial(item: CatalogItem) -> list[dict[str, object]]:
    """The item's slots (prefetched) as the formset's initial data."""
    return [{"units": slot.units, "skus": list(slot.skus.all())} for slot in item.slots.all()]
