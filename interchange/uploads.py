"""What every upload page shares: keeping the uploaded file privately between the
dry-run preview and the confirmation, running the import on it, and the downloads.

Used by the admin's import pages (``interchange.admin``) and by ``/imports/``
(``interchange.views``). Between the preview and the confirmation the uploaded file
waits in a private temporary folder (not in MEDIA) that only the server's user can
open; the session holds only a random token naming it (under a key each page chooses),
and the file is removed once it is imported, refused or abandoned for a newer upload.
A preview nobody confirms is removed by the next upload after a day.
"""

import csv
import io
import os
import secrets
import tempfile
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.contrib.sessions.backends.base import SessionBase
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

from .files import Importer
from .imports import ImportFailed, ImportResult
from .tabular import FileProblem, RowError, open_table, write_table

# One folder per system user: the shared temporary folder is writable by everyone,
# so a folder of a fixed name could have been made by someone else to read uploads.
UPLOAD_FOLDER = Path(tempfile.gettempdir()) / f"inventory-imports-{os.getuid()}"
ABANDONED_AFTER_SECONDS = 24 * 60 * 60

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Pending(TypedDict):
    """What the session keeps of a checked upload: the private file's token and the
    upload's own name."""

    token: str
    name: str


@dataclass
class Outcome:
    """An import of an upload, checked or done: its result, or the errors that refused
    it (and then nothing was written)."""

    file_name: str
    result: ImportResult | None = None
    errors: list[RowError] = field(default_factory=list)


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


def upload_path(token: str) -> Path:
    # The token is ours (hex and a known suffix): it can name nothing outside.
    return UPLOAD_FOLDER / Path(token).name


def upload_forget(session: SessionBase, key: str) -> Pending | None:
    """Drop the upload waiting under ``key`` (its file and its session entry)."""
    pending: Pending | None = session.pop(key, None)
    if pending:
        upload_path(pending["token"]).unlink(missing_ok=True)
    return pending


def upload_keep(session: SessionBase, key: str, upload: UploadedFile) -> Path:
    """Write ``upload`` to a new private file, replacing the one waiting under ``key``."""
    upload_forget(session, key)
    _private_folder()
    token = secrets.token_hex(16) + Path(upload.name or "").suffix.lower()
    target = upload_path(token)
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    session[key] = Pending(token=token, name=upload.name or "")
    return target


def upload_pending(session: SessionBase, key: str) -> tuple[str, Path] | None:
    """The name and private file of the upload waiting under ``key``, if it is there."""
    pending: Pending | None = session.get(key)
    if not pending:
        return None
    stored = upload_path(pending["token"])
    return (pending["name"], stored) if stored.is_file() else None


def upload_check(
    session: SessionBase,
    key: str,
    upload: UploadedFile,
    *,
    importer: Importer,
    acting_user: AbstractBaseUser | AnonymousUser,
) -> Outcome:
    """Keep ``upload`` and run its import as a dry run; a refused file is not kept."""
    name = upload.name or ""
    stored = upload_keep(session, key, upload)
    try:
        result = importer(path=stored, name=name, dry_run=True, acting_user=acting_user)
    except ImportFailed as failure:
        upload_forget(session, key)
        return Outcome(file_name=name, errors=failure.errors)
    return Outcome(file_name=name, result=result)


def upload_import(
    session: SessionBase,
    key: str,
    *,
    importer: Importer,
    acting_user: AbstractBaseUser | AnonymousUser,
) -> Outcome | None:
    """Import the upload the preview checked, for real, and drop it; ``None`` when no
    checked file is waiting. A refusal now (the data changed since the preview) comes
    back as errors, with nothing written."""
    waiting = upload_pending(session, key)
    if waiting is None:
        return None
    name, stored = waiting
    try:
        result = importer(path=stored, name=name, acting_user=acting_user)
    except ImportFailed as failure:
        return Outcome(file_name=name, errors=failure.errors)
    finally:
        upload_forget(session, key)
    return Outcome(file_name=name, result=result)


@dataclass
class Sample:
    """The first rows of a file, to show what an import will read, and how many it has."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    total: int


def upload_sample(session: SessionBase, key: str, *, limit: int) -> Sample | None:
    """The header and first ``limit`` rows of the upload waiting under ``key`` (with
    their line numbers, each padded to the header's width), and its number of rows."""
    waiting = upload_pending(session, key)
    if waiting is None:
        return None
    name, stored = waiting
    rows: list[tuple[int, list[str]]] = []
    total = 0
    try:
        table = open_table(stored, name=name)
        width = len(table.header)
        for line, values in table.rows:
            total += 1
            if total <= limit:
                rows.append((line, (values + [""] * width)[:width]))
    except FileProblem:
        # The import has just read it; only a file changed on disk since gets here.
        return None
    return Sample(header=table.header, rows=rows, total=total)


# --- downloads -----------------------------------------------------------------------


class _Echo:
    """A file-like object whose write returns the text, for streaming CSV."""

    def write(self, value: str) -> str:
        return value


def _stream_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    writer = csv.writer(_Echo(), lineterminator="\n")
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow(row)


def download(
    header: Sequence[str], rows: Iterable[Sequence[object]], *, what: str, excel: bool
) -> HttpResponseBase:
    """``rows`` under ``header`` as a CSV file streamed from the database, or as an Excel
    workbook, named ``<what>-<today>``. The cells come spreadsheet-safe from the export
    functions (``tabular.spreadsheet_text``)."""
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response: HttpResponseBase
    if excel:
        buffer = io.BytesIO()
        write_table(buffer, header, rows, excel=True)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
        suffix = "xlsx"
    else:
        response = StreamingHttpResponse(
            _stream_csv(header, rows), content_type="text/csv; charset=utf-8"
        )
        suffix = "csv"
    response["Content-Disposition"] = f'attachment; filename="{what}-{stamp}.{suffix}"'
    return response
