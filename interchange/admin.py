"""Imports and exports in the Django admin: upload, dry-run preview, confirm; downloads.

The pages call ``interchange.imports.articles_import`` / ``events_import`` and
``interchange.exports``, the same code as the management commands, and keep the
uploaded file between the preview and the confirmation as ``/imports/`` does
(``interchange.uploads``: a private temporary folder, a token in the session, the file
removed once it is imported, refused or abandoned).
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .files import FILES
from .forms import ImportFileForm
from .uploads import UPLOAD_FOLDER, download, upload_check, upload_forget, upload_import

__all__ = ["UPLOAD_FOLDER", "ArticleImportExportMixin", "EventImportExportMixin"]

TEMPLATE = "admin/interchange/import.html"


class ImportExportAdminMixin(admin.ModelAdmin):
    """Adds "Import", "Export CSV" and "Export Excel" to a model admin's changelist.

    ``io_what`` is ``"articles"`` or ``"events"``: the file the pages read and write.
    """

    io_what = ""
    change_list_template = "admin/interchange/change_list_io.html"

    IMPORTERS = {what: FILES[what].importer for what in ("articles", "events")}
    TABLES = {what: FILES[what].table for what in ("articles", "events")}
    COLUMNS = {what: FILES[what].columns for what in ("articles", "events")}
    PERMISSIONS = {what: FILES[what].permissions for what in ("articles", "events")}

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

    def _session_key(self) -> str:
        return f"articles_import_{self.io_what}"

    # --- views -----------------------------------------------------------------------

    def _context(self, request: HttpRequest, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Import {self.io_what}",
            "io_what": self.io_what,
            "columns": self.COLUMNS[self.io_what].describe(),
            "explanation": FILES[self.io_what].explanation,
            "changelist_url": self._url("changelist"),
            "confirm_url": self._url("import_confirm"),
            **extra,
        }

    def _refused(self, request: HttpRequest, file_name: str, errors: list) -> HttpResponse:
        return TemplateResponse(
            request,
            TEMPLATE,
            self._context(request, form=ImportFileForm(), file_name=file_name, errors=errors),
        )

    def import_view(self, request: HttpRequest) -> HttpResponse:
        """Upload a file and see what it would do (a dry run), error by error."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = ImportFileForm(request.POST or None, request.FILES or None)
        if request.method != "POST" or not form.is_valid():
            return TemplateResponse(request, TEMPLATE, self._context(request, form=form))
        checked = upload_check(
            request.session,
            self._session_key(),
            form.cleaned_data["file"],
            importer=self.IMPORTERS[self.io_what],
            acting_user=request.user,
        )
        if checked.errors:
            return self._refused(request, checked.file_name, checked.errors)
        return TemplateResponse(
            request,
            TEMPLATE,
            self._context(request, file_name=checked.file_name, preview=checked.result),
        )

    def import_confirm_view(self, request: HttpRequest) -> HttpResponse:
        """Import the file the preview checked, with the same rules, for real."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return HttpResponseRedirect(self._url("import"))
        if "cancel" in request.POST:
            pending = upload_forget(request.session, self._session_key())
            if pending:
                messages.info(request, f"{pending['name']} was not imported.")
            return HttpResponseRedirect(self._url("changelist"))
        done = upload_import(
            request.session,
            self._session_key(),
            importer=self.IMPORTERS[self.io_what],
            acting_user=request.user,
        )
        if done is None:
            messages.error(
                request, "There is no checked file waiting to be imported; upload it again."
            )
            return HttpResponseRedirect(self._url("import"))
        if done.errors or done.result is None:
            # Something changed since the preview; nothing was written.
            return self._refused(request, done.file_name, done.errors)
        for notice in done.result.notices:
            messages.warning(request, notice)
        messages.success(request, f"{done.file_name}: {done.result.summary()}")
        return HttpResponseRedirect(self._url("changelist"))

    def export_view(self, request: HttpRequest) -> HttpResponseBase:
        """Download every row as the file the import reads (?format=xlsx for Excel)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        header, rows = self.TABLES[self.io_what]()
        return download(header, rows, what=self.io_what, excel=request.GET.get("format") == "xlsx")


class ArticleImportExportMixin(ImportExportAdminMixin):
    io_what = "articles"


class EventImportExportMixin(ImportExportAdminMixin):
    io_what = "events"
