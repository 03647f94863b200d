"""``/imports/``: a manager uploads an articles, events or catalog file, sees what it
would do (a dry run: its first rows, how many it would add, update and skip, or every
error by line), confirms, and the import runs for real, all or nothing; and the three
files download as CSV or Excel.

The page does what the admin's upload pages do, with the same code
(``interchange.uploads`` keeps the file and runs the import; ``interchange.files``
says who may import what), in the staff layout.
"""

from typing import Any, TypedDict

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from .files import FILES, PAGE_PERMISSIONS, ExchangedFile, exportable_files, importable_files
from .forms import ImportPageForm
from .uploads import Outcome, download, upload_check, upload_forget, upload_import, upload_sample

TEMPLATE = "interchange/imports.html"
# How many of the file's rows the preview shows, and of its errors the page lists.
SAMPLE_ROWS = 20
ERRORS_SHOWN = 500
FORMATS = {"csv": False, "xlsx": True}
DONE_KEY = "imports_page_done"


class Done(TypedDict):
    """What the last confirmed import did, for the page after the redirect."""

    what: str
    file_name: str
    added: int
    updated: int
    skipped: int
    notices: list[str]


def _session_key(file: ExchangedFile) -> str:
    return f"imports_page_{file.what}"


def _file_to_import(request: HttpRequest, what: str) -> ExchangedFile:
    """The file named ``what``, if the user may import it (404 for no such file)."""
    file = FILES.get(what)
    if file is None:
        raise Http404("There is no such file to import.")
    if not file.may_import(request.user):
        raise PermissionDenied
    return file


class ImportsPageMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """A Manager's page: ``PAGE_PERMISSIONS``, as the header's link (``files``)."""

    permission_required = PAGE_PERMISSIONS


def _form(request: HttpRequest, what: str = "") -> ImportPageForm:
    """The upload form: bound to a POST, else empty with ``what`` (or ``?what=``) chosen."""
    allowed = importable_files(request.user)
    if request.method == "POST" and not what:
        return ImportPageForm(request.POST, request.FILES, files_allowed=allowed)
    what = what or request.GET.get("what", "")
    initial = {"what": what} if what in FILES else {}
    return ImportPageForm(initial=initial, files_allowed=allowed)


def _page(request: HttpRequest, **context: Any) -> HttpResponse:
    checked: Outcome | None = context.get("checked")
    errors = checked.errors if checked else []
    return render(
        request,
        TEMPLATE,
        {
            "importable": importable_files(request.user),
            "exportable": exportable_files(request.user),
            "errors_shown": errors[:ERRORS_SHOWN],
            "errors_more": max(len(errors) - ERRORS_SHOWN, 0),
            **context,
        },
    )


class ImportsView(ImportsPageMixin, View):
    """The page: GET shows the upload form and the downloads, POST checks an upload."""

    def get(self, request: HttpRequest) -> HttpResponse:
        done: Done | None = request.session.pop(DONE_KEY, None)
        return _page(
            request,
            form=_form(request),
            done=done,
            done_file=FILES.get(done["what"]) if done else None,
        )

    def post(self, request: HttpRequest) -> HttpResponse:
        form = _form(request)
        if not form.is_valid():
            return _page(request, form=form)
        file = _file_to_import(request, form.cleaned_data["what"])
        key = _session_key(file)
        checked = upload_check(
            request.session,
            key,
            form.cleaned_data["file"],
            importer=file.importer,
            acting_user=request.user,
        )
        if checked.errors:
            return _page(request, form=_form(request, file.what), file=file, checked=checked)
        sample = upload_sample(request.session, key, limit=SAMPLE_ROWS)
        return _page(request, file=file, checked=checked, sample=sample)


class ImportConfirmView(ImportsPageMixin, View):
    """Import the checked file for real (or drop it on "Cancel")."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponseRedirect(reverse("interchange:imports"))

    def post(self, request: HttpRequest) -> HttpResponse:
        file = _file_to_import(request, request.POST.get("what", ""))
        key = _session_key(file)
        back = HttpResponseRedirect(f"{reverse('interchange:imports')}?what={file.what}")
        if "cancel" in request.POST:
            pending = upload_forget(request.session, key)
            if pending:
                messages.info(request, f"{pending['name']} was not imported; nothing was written.")
            return back
        done = upload_import(request.session, key, importer=file.importer, acting_user=request.user)
        if done is None:
            messages.error(
                request, "There is no checked file waiting to be imported; upload it again."
            )
            return back
        if done.errors or done.result is None:
            # The data changed since the preview: nothing was written.
            return _page(request, form=_form(request, file.what), file=file, checked=done)
        # Shown once, by the page the browser is sent back to.
        request.session[DONE_KEY] = Done(
            what=file.what,
            file_name=done.file_name,
            added=done.result.added,
            updated=done.result.updated,
            skipped=done.result.skipped,
            notices=done.result.notices,
        )
        return back


class ExportView(ImportsPageMixin, View):
    """``/imports/export/<what>/?format=csv|xlsx``: every row of the file, as the import
    reads it back."""

    def get(self, request: HttpRequest, what: str) -> HttpResponseBase:
        file = FILES.get(what)
        excel = FORMATS.get(request.GET.get("format", "csv"))
        if file is None or excel is None:
            raise Http404("There is no such download.")
        if not file.may_export(request.user):
            raise PermissionDenied
        header, rows = file.table()
        return download(header, rows, what=file.what, excel=excel)
