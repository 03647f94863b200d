"""Imports and exports in the Django admin: upload, dry-run preview, confirm; downloads.

The pages call ``interchange.imports.articles_import`` / ``events_import`` and
``interchange.exports``, the same code as the management commands. Between the preview
and the confirmation the uploaded file waits in a private temporary folder (not in
MEDIA) that only the server's user can open; the session holds only a random token
naming it, and the file is removed once it is imported, refused or abandoned for a
newer upload. A preview nobody confirms is removed by the next upload after a day.
"""

import io
import os
import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from .columns import ARTICLES, EVENTS
from .exports import articles_table, events_table
from .imports import ImportFailed, articles_import, events_import
from .limits import upload_limit_bytes
from .tabular import write_table

# One folder per system user: the shared temporary folder is writable by everyone,
# so a folder of a fixed name could have been made by someone else to read uploads.
UPLOAD_FOLDER = Path(tempfile.gettempdir()) / f"inventory-imports-{os.getuid()}"
ABANDONED_AFTER_SECONDS = 24 * 60 * 60
SUFFIXES = (".csv", ".xlsx")
TEMPLATE = "admin/interchange/import.html"


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label="File", help_text="CSV in UTF-8 (comma separated, with a header row) or Excel .xlsx."
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError("Choose a .csv or .xlsx file.")
        limit = upload_limit_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                f"The file is {upload.size / 2**20:,.1f} MB; an upload can be at most "
                f"{limit / 2**20:,.0f} MB. Split it into smaller files, or import it with "
                "manage.py on the server."
            )
        return upload


def _private_folder() -> None:
    """Make ``UPLOAD_FOLDER`` ours alone and drop the files of abandoned previews."""
    UPLOAD_FOLDER.mkdir(mode=0o700, exist_ok=True)
    if UPLOAD_FOLDER.is_symlink() or UPLOAD_FOLDER.stat().st_uid != os.getuid():
        raise PermissionError(f"{UPLOAD_FOLDER} belongs to another user; remove it.")
    UPLOAD_FOLDER.chmod(0o700)
    stale = time.time() - ABANDONED_AFTER_SECONDS
    for waiting in UPLOAD_FOLDER.iterdir():
        if waiting.stat().st_mtime < stale:
            waiting.unlink(missing_ok=True)


class _Echo:
    """A file-like object whose write returns the text, for streaming CSV."""

    def write(self, value: str) -> str:
        return value


def _stream_csv(header, rows):
    import csv

    writer = csv.writer(_Echo(), lineterminator="\n")
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


class ImportExportAdminMixin(admin.ModelAdmin):
    """Adds "Import", "Export CSV" and "Export Excel" to a model admin's changelist.

    ``io_what`` is ``"articles"`` or ``"events"``: the file the pages read and write.
    """

    io_what = ""
    change_list_template = "admin/interchange/change_list_io.html"

    IMPORTERS = {"articles": articles_import, "events": events_import}
    TABLES = {"articles": articles_table, "events": events_table}
    COLUMNS = {"articles": ARTICLES, "events": EVENTS}
    PERMISSIONS = {
        "articles": ("articles.add_article", "articles.change_article"),
        "events": ("articles.add_event",),
    }

    # --- urls and permissions --------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("import/", wrap(self.import_view), name="{}_{}_import".format(*info)),
            path(
                "import/confirm/",
                wrap(self.import_confirm_view),
                name="{}_{}_import_confirm".format(*info),
            ),
            path("export/", wrap(self.export_view), name="{}_{}_export".format(*info)),
            *super().get_urls(),
        ]

    def has_import_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perms(self.PERMISSIONS[self.io_what])

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "can_import": self.has_import_permission(request),
            "io_what": self.io_what,
        }
        return super().changelist_view(request, extra_context=extra_context)

    def _url(self, name: str) -> str:
        return reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}")

    # --- the uploaded file between preview and confirmation --------------------------

    def _session_key(self) -> str:
        return f"articles_import_{self.io_what}"

    def _forget_upload(self, request: HttpRequest) -> None:
        pending = request.session.pop(self._session_key(), None)
        if pending:
            self._upload_path(pending["token"]).unlink(missing_ok=True)

    @staticmethod
    def _upload_path(token: str) -> Path:
        # The token is ours (hex and a known suffix): it can name nothing outside.
        name = Path(token).name
        return UPLOAD_FOLDER / name

    def _keep_upload(self, request: HttpRequest, upload) -> tuple[str, Path]:
        self._forget_upload(request)
        _private_folder()
        token = secrets.token_hex(16) + Path(upload.name).suffix.lower()
        target = self._upload_path(token)
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        return token, target

    # --- views -----------------------------------------------------------------------

    def _context(self, request: HttpRequest, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Import {self.io_what}",
            "io_what": self.io_what,
            "columns": self.COLUMNS[self.io_what].describe(),
            "changelist_url": self._url("changelist"),
            "confirm_url": self._url("import_confirm"),
            **extra,
        }

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a file and see what it would do (a dry run), error by error."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ImportFileForm(request.POST or None, request.FILES or None)
        if request.method != "POST" or not form.is_valid():
            return TemplateResponse(request, TEMPLATE, self._context(request, form=form))
        upload = form.cleaned_data["file"]
        token, stored = self._keep_upload(request, upload)
        importer = self.IMPORTERS[self.io_what]
        try:
            result = importer(path=stored, name=upload.name, dry_run=True, acting_user=request.user)
        except ImportFailed as failure:
            stored.unlink(missing_ok=True)
            return TemplateResponse(
                request,
                TEMPLATE,
                self._context(
                    request, form=ImportFileForm(), file_name=upload.name, errors=failure.errors
                ),
            )
        request.session[self._session_key()] = {"token": token, "name": upload.name}
        return TemplateResponse(
            request,
            TEMPLATE,
            self._context(request, file_name=upload.name, preview=result),
        )

    def import_confirm_view(self, request: HttpRequest) -> HttpResponse:
        """Import the file the preview checked, with the same rules, for real."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(self._url("import"))
        pending = request.session.get(self._session_key())
        stored = self._upload_path(pending["token"]) if pending else None
        if not pending or stored is None or not stored.is_file():
            messages.error(
                request, "There is no checked file waiting to be imported; upload it again."
            )
            return HttpResponseRedirect(self._url("import"))
        if "cancel" in request.POST:
            self._forget_upload(request)
            messages.info(request, f"{pending['name']} was not imported.")
            return HttpResponseRedirect(self._url("changelist"))
        importer = self.IMPORTERS[self.io_what]
        try:
            result = importer(path=stored, name=pending["name"], acting_user=request.user)
        except ImportFailed as failure:
            # Something changed since the preview; nothing was written.
            self._forget_upload(request)
            return TemplateResponse(
                request,
                TEMPLATE,
                self._context(
                    request, form=ImportFileForm(), file_name=pending["name"], errors=failure.errors
                ),
            )
        self._forget_upload(request)
        for notice in result.notices:
            messages.warning(request, notice)
        messages.success(request, f"{pending['name']}: {result.summary()}")
        return HttpResponseRedirect(self._url("changelist"))

    def export_view(self, request: HttpRequest) -> HttpResponseBase:
        """Download every row as the file the import reads (?format=xlsx for Excel)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        header, rows = self.TABLES[self.io_what]()
        stamp = timezone.localtime().strftime("%Y-%m-%d")
        if request.GET.get("format") == "xlsx":
            buffer = io.BytesIO()
            write_table(buffer, header, rows, excel=True)
            response: HttpResponseBase = HttpResponse(
                buffer.getvalue(),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            suffix = "xlsx"
        else:
            response = StreamingHttpResponse(
                _stream_csv(header, rows), content_type="text/csv; charset=utf-8"
            )
            suffix = "csv"
        response["Content-Disposition"] = f'attachment; filename="{self.io_what}-{stamp}.{suffix}"'
        return response


class ArticleImportExportMixin(ImportExportAdminMixin):
    io_what = "articles"


class EventImportExportMixin(ImportExportAdminMixin):
    io_what = "events"
