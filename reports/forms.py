from django import forms
from django.utils import timezone

from articles.models import Store
from skus.models import SKU

from .figures import FIRST_AS_OF, LAST_AS_OF


class AsOfForm(forms.Form):
    """The as-of date of a report page; empty means today."""

    as_of = forms.DateField(
        label="As of",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Figures count events up to the end of this day. Empty: today.",
    )

    def clean_as_of(self):
        as_of = self.cleaned_data["as_of"] or timezone.localdate()
        if not FIRST_AS_OF <= as_of <= LAST_AS_OF:
            raise forms.ValidationError(
                f"Give a date from {FIRST_AS_OF.isoformat()} to {LAST_AS_OF.isoformat()}."
            )
        return as_of


class ReportParametersForm(AsOfForm):
    """The as-of date and the window of a report page; empty window: the defaults."""

    window = forms.IntegerField(
        label="Window (days)",
        required=False,
        min_value=1,
        max_value=3650,
        help_text="Empty: each SKU's own window, else the installation default.",
    )


class ScopedReportParametersForm(ReportParametersForm):
    """Report parameters narrowed to one SKU and/or one store."""

    sku = forms.ModelChoiceField(
        label="SKU", queryset=SKU.objects.only("code", "name"), required=False, empty_label="All"
    )
    store = forms.ModelChoiceField(queryset=Store.objects.all(), required=False, empty_label="All")
