"""The upload forms: a CSV or Excel file within the size limit (the admin's pages), and
on ``/imports/`` also which file it is, among those the user may import."""

from pathlib import Path

from django import forms
from django.core.files.uploadedfile import UploadedFile

from .files import ExchangedFile, choices
from .limits import upload_limit_bytes

SUFFIXES = (".csv", ".xlsx")


class ImportFileForm(forms.Form):
    # What a file over the size limit can do instead.
    too_big_advice = "Split it into smaller files, or import it with manage.py on the server."

    file = forms.FileField(
        label="File", help_text="CSV in UTF-8 (comma separated, with a header row) or Excel .xlsx."
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() not in SUFFIXES:
            raise forms.ValidationError("Choose a .csv or .xlsx file.")
        limit = upload_limit_bytes()
        size = upload.size or 0
        if size > limit:
            raise forms.ValidationError(
                f"The file is {size / 2**20:,.1f} MB; an upload can be at most "
                f"{limit / 2**20:,.0f} MB. {self.too_big_advice}"
            )
        return upload


class ImportPageForm(ImportFileForm):
    """``/imports/``: which file to import, then the file."""

    too_big_advice = "Split it into smaller files, or ask an administrator to import it."

    what = forms.ChoiceField(label="What to import", widget=forms.RadioSelect)

    field_order = ["what", "file"]

    def __init__(self, *args: object, files_allowed: list[ExchangedFile], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        what = self.fields["what"]
        assert isinstance(what, forms.ChoiceField)
        what.choices = choices(files_allowed)
        if files_allowed:
            what.initial = files_allowed[0].what
