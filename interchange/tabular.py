"""Reading and writing the tabular files of SPEC.md "Files in and out": CSV and Excel.

Rows are streamed: a CSV file is read line by line and a workbook in openpyxl's
read-only mode, so a file of a million rows never sits in memory whole. A file with
more rows or columns than ``interchange.limits`` allows is refused, a workbook before
openpyxl opens it. Anything wrong with the file itself (not UTF-8, not CSV, empty, a
broken header, too big) is raised as ``FileProblem`` carrying ``RowError``s that say
where and what.
"""

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from io import TextIOBase
from pathlib import Path
from typing import IO, Any

from .limits import (
    Limits,
    WorkbookRefused,
    check_workbook,
    import_limits,
    too_many_columns,
    too_many_rows,
)

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
ZIP_MAGIC = b"PK\x03\x04"

# A cell a spreadsheet would read as a formula (or a formula after quotes it strips).
# Any number of leading quotes is matched so that escaping stays reversible: a text
# that already starts with a quote and then one of these gets one more quote.
_FORMULA_LIKE = re.compile(r"'*[=+\-@\t\r]")


def spreadsheet_text(text: str) -> str:
    """``text`` as a spreadsheet shows it, never runs it: a quote before a text cell that
    starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return.

    For text cells only: a number in a numeric column (``-15.00``) is not a formula
    and is written as it is. ``read_spreadsheet_text`` undoes it.
    """
    return "'" + text if _FORMULA_LIKE.match(text) else text


def read_spreadsheet_text(text: str) -> str:
    """The text ``spreadsheet_text`` was given: one leading quote less where it added one."""
    return text[1:] if text.startswith("'") and _FORMULA_LIKE.match(text, 1) else text


@dataclass(frozen=True, order=True)
class RowError:
    """One thing wrong with an input file: where (line, column) and why."""

    line: int
    column: str
    message: str

    def __str__(self) -> str:
        where = [f"line {self.line}"] if self.line else []
        if self.column:
            where.append(f"column {self.column}")
        return f"{', '.join(where)}: {self.message}" if where else self.message


class FileProblem(Exception):
    """The file cannot be imported; ``errors`` says every reason found."""

    def __init__(self, errors: Iterable[RowError]):
        self.errors = sorted(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass
class Table:
    """A header and an iterator of ``(line number, values)``; ``size`` for progress."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    size: int | None
    unit: str


def is_excel(path: Path | str, name: str = "") -> bool:
    return Path(name or path).suffix.lower() in EXCEL_SUFFIXES


def open_table(path: Path | str, *, name: str = "") -> Table:
    """Open ``path`` (named ``name`` when it came as an upload) as a table."""
    path = Path(path)
    with path.open("rb") as probe:
        head = probe.read(4096)
    if not head:
        raise FileProblem([RowError(0, "", "The file is empty; it needs a header row.")])
    limits = import_limits()
    if is_excel(path, name):
        return _open_workbook(path, limits)
    if head.startswith(ZIP_MAGIC):
        raise FileProblem(
            [
                RowError(
                    0,
                    "",
                    "This is not a CSV file; it looks like an Excel workbook. Save it "
                    "with the extension .xlsx, or as CSV UTF-8.",
                )
            ]
        )
    if b"\x00" in head:
        raise FileProblem(
            [RowError(0, "", "This is not a CSV file; it contains binary data, not text.")]
        )
    return _open_csv(path, limits)


def _clean_header(values: list[str], line: int, limits: Limits) -> list[str]:
    if len(values) > limits.columns:
        raise FileProblem([RowError(line, "", too_many_columns(limits.columns))])
    header = [read_spreadsheet_text(value).strip().lower() for value in values]
    while header and not header[-1]:
        header.pop()
    errors = []
    if not header:
        errors.append(RowError(line, "", "The header row is empty; it must name the columns."))
    seen: set[str] = set()
    for position, column in enumerate(header, start=1):
        if not column:
            errors.append(RowError(line, "", f"Column {position} of the header has no name."))
        elif column in seen:
            errors.append(RowError(line, column, "The header names this column twice."))
        seen.add(column)
    if errors:
        raise FileProblem(errors)
    return header


class _NotUTF8(Exception):
    def __init__(self, line: int):
        self.line = line


def _decoded_lines(binary) -> Iterator[str]:
    """The file's lines as text, so that bytes that are not UTF-8 are found on their
    own line (a text wrapper would decode blocks ahead of the reader)."""
    for number, raw in enumerate(binary, start=1):
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError:
            raise _NotUTF8(number) from None


def _checked_row(line: int, values: list[str], rows: int, limits: Limits) -> list[str]:
    """The row's cells, unescaped; refused when it is one row or column too many."""
    if rows > limits.rows:
        raise FileProblem([RowError(line, "", too_many_rows(limits.rows))])
    if len(values) > limits.columns:
        raise FileProblem([RowError(line, "", too_many_columns(limits.columns))])
    joined = "".join(values)
    if "\x00" in joined:
        _refuse_nul(line, values)
    if "'" not in joined:
        return values  # no cell starts with a quote: nothing to unescape
    return [read_spreadsheet_text(value) for value in values]


def _refuse_nul(line: int, values: list[str]) -> None:
    """A NUL character is binary data, never text: no database column can hold it."""
    if any("\x00" in value for value in values):
        raise FileProblem(
            [RowError(line, "", "This row contains a NUL character (binary data); remove it.")]
        )


def _open_csv(path: Path, limits: Limits) -> Table:
    size = path.stat().st_size
    binary = path.open("rb")
    reader = csv.reader(_decoded_lines(binary), strict=True)
    try:
        first = next(reader, None)
    except _NotUTF8 as error:
        binary.close()
        raise FileProblem([_not_utf8(error.line)]) from None
    except csv.Error as error:
        binary.close()
        raise FileProblem([RowError(1, "", f"This is not a valid CSV file ({error}).")]) from None
    if first is None:
        binary.close()
        raise FileProblem([RowError(0, "", "The file is empty; it needs a header row.")])
    header = _clean_header(first, 1, limits)

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = reader.line_num + 1
        count = 0
        try:
            while True:
                try:
                    values = next(reader)
                except StopIteration:
                    return
                except _NotUTF8 as error:
                    raise FileProblem([_not_utf8(error.line)]) from None
                except csv.Error as error:
                    raise FileProblem(
                        [RowError(line, "", f"This line is not valid CSV ({error}).")]
                    ) from None
                if any(values):
                    count += 1
                    yield line, _checked_row(line, values, count, limits)
                line = reader.line_num + 1
        finally:
            binary.close()

    return Table(header=header, rows=rows(), size=size, unit="B")


def _not_utf8(line: int) -> RowError:
    return RowError(
        line,
        "",
        "The file is not UTF-8 text. Save it as 'CSV UTF-8' (in Excel: Save as, "
        "CSV UTF-8) and import it again.",
    )


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time.min and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        text = format(Decimal(repr(value)).normalize(), "f")
        return text
    if isinstance(value, str):
        return read_spreadsheet_text(value.strip())
    return str(value).strip()


def _unreadable_workbook(error: Exception) -> FileProblem:
    return FileProblem(
        [RowError(0, "", f"This is not an Excel workbook (.xlsx) that can be read ({error}).")]
    )


def _open_workbook(path: Path, limits: Limits) -> Table:
    import openpyxl

    try:
        check_workbook(path, limits)
    except WorkbookRefused as refusal:
        raise FileProblem([RowError(0, "", str(refusal))]) from None
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    # A damaged workbook fails in openpyxl in many ways (a missing part, a bad
    # attribute, XML it cannot parse); each is the same refusal of the file.
    except Exception as error:
        raise _unreadable_workbook(error) from None
    sheet = workbook.active
    if sheet is None:
        workbook.close()
        raise FileProblem([RowError(0, "", "The workbook's first sheet is empty.")])
    values = sheet.iter_rows(values_only=True)
    try:
        first = next(values, None)
    except Exception as error:
        workbook.close()
        raise _unreadable_workbook(error) from None
    if first is None or not any(cell is not None for cell in first):
        workbook.close()
        raise FileProblem([RowError(0, "", "The workbook's first sheet is empty.")])
    header = _clean_header([_cell_text(cell) for cell in first], 1, limits)

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for line, row in enumerate(values, start=2):
                cells = [_cell_text(cell) for cell in row]
                while cells and not cells[-1]:
                    cells.pop()
                if cells:
                    _refuse_nul(line, cells)
                    yield line, cells
        except FileProblem:
            raise
        except Exception as error:
            raise _unreadable_workbook(error) from None
        finally:
            workbook.close()

    return Table(header=header, rows=rows(), size=sheet.max_row, unit="rows")


# --- writing ------------------------------------------------------------------------


def write_table(
    destination: IO[Any] | TextIOBase,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    excel: bool,
) -> None:
    """Write ``rows`` under ``header`` as CSV (text stream) or a workbook (binary stream).

    The caller escapes text cells with ``spreadsheet_text``; in a workbook every text
    cell is also typed as a string, so that none is ever stored as a formula.
    """
    if not excel:
        writer = csv.writer(destination, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return
    if isinstance(destination, TextIOBase):
        raise TypeError("A workbook is written to a binary stream, not a text one.")
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()

    def cells(values: Sequence[object]) -> list[object]:
        typed: list[object] = []
        for value in values:
            if isinstance(value, str):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                typed.append(cell)
            else:
                typed.append(value)
        return typed

    sheet.append(cells(header))
    for row in rows:
        sheet.append(cells(row))
    workbook.save(destination)
