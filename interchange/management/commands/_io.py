"""What the import and export commands share: progress bars, errors, summaries."""

import io
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError

from interchange.imports import ImportFailed, ImportResult
from interchange.operators import SYSTEM_USERNAME, operator_named
from interchange.tabular import FileProblem, write_table


class ImportCommand(BaseCommand):
    """``manage.py import_... PATH [--dry-run] [--user USERNAME] [--no-progress]``."""

    what = ""
    importer: "staticmethod[..., ImportResult]"

    def add_arguments(self, parser):
        parser.add_argument("path", help=f"The {self.what} file: .csv (UTF-8) or .xlsx.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and say what would happen; write nothing.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Who the events are recorded by; by default the inactive user "
            f"{SYSTEM_USERNAME!r}, created if missing.",
        )
        parser.add_argument(
            "--no-progress", action="store_true", help="No progress bar on the terminal."
        )

    def handle(self, *args, path, dry_run, user, no_progress, verbosity, **options):
        if not Path(path).is_file():
            raise CommandError(f"There is no file {path}.")
        try:
            acting_user = operator_named(user)
        except LookupError as unknown:
            raise CommandError(str(unknown)) from None
        show = not no_progress and verbosity > 0 and sys.stderr.isatty()
        try:
            result = self.importer(
                path=path,
                dry_run=dry_run,
                acting_user=acting_user,
                progress=progress_bar if show else None,
            )
        except (ImportFailed, FileProblem) as problem:
            for error in problem.errors:
                self.stderr.write(str(error))
            count = len(problem.errors)
            raise CommandError(
                f"{path}: {count} error{'s' if count > 1 else ''}; nothing was written."
            ) from None
        for notice in result.notices:
            self.stdout.write(notice)
        self.stdout.write(self.style.SUCCESS(result.summary()))


def progress_bar(iterable=None, **options):
    from tqdm import tqdm

    return tqdm(iterable, file=sys.stderr, leave=False, **options)


class ExportCommand(BaseCommand):
    """``manage.py export_... [PATH] [--format csv|xlsx]``."""

    what = ""
    table: "staticmethod[[], tuple[list[str], Iterator[list[str]]]]"

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", default="-", help="Where to write; '-' or nothing: standard output."
        )
        parser.add_argument(
            "--format",
            choices=["csv", "xlsx"],
            help="csv or xlsx; by default taken from the file name's extension, else csv.",
        )

    def handle(self, *args, path, format, **options):
        excel = format == "xlsx" or (format is None and path.lower().endswith(".xlsx"))
        header, rows = self.table()
        if path == "-":
            if excel:
                buffer = io.BytesIO()
                write_table(buffer, header, rows, excel=True)
                sys.stdout.buffer.write(buffer.getvalue())
            else:
                write_table(self.stdout, header, rows, excel=False)
            return
        target = Path(path)
        if not target.parent.is_dir():
            raise CommandError(f"There is no folder {target.parent} to write {target.name} in.")
        # Written next to the target and renamed at the end: never half a file.
        with _beside(target, excel=excel) as handle:
            try:
                write_table(handle, header, rows, excel=excel)
            except BaseException:
                Path(handle.name).unlink(missing_ok=True)
                raise
        os.replace(handle.name, target)
        self.stderr.write(f"Wrote the {self.what} to {target}.")


def _beside(target: Path, *, excel: bool) -> IO[Any]:
    """A new file in ``target``'s folder, kept when closed, to be renamed over it."""
    if excel:
        return tempfile.NamedTemporaryFile(
            "wb", dir=target.parent, prefix=f".{target.name}.", delete=False
        )
    return tempfile.NamedTemporaryFile(
        "w",
        encoding="utf-8",
        newline="",
        dir=target.parent,
        prefix=f".{target.name}.",
        delete=False,
    )
