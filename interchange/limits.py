"""How big an imported file may be, and the check of a workbook before it is opened.

A CSV file is read line by line, so its rows and columns are counted as they come. A
workbook is a zip of XML: a few hundred kilobytes can unpack to millions of cells in
one row, or declare entities that expand without end, and openpyxl builds a whole
row (padded to the sheet's declared width) before handing it over. So every sheet is
first streamed through a SAX parser that forbids entities and external references
(``defusedxml``) and builds no tree; it counts the cells and stops at the first limit
exceeded, before openpyxl reads anything.
"""

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO
from xml.sax import SAXException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl

from defusedxml import DefusedXmlException
from defusedxml.sax import make_parser
from django.conf import settings


@dataclass(frozen=True)
class Limits:
    """The most an imported file may hold: data rows, columns, cells of a workbook,
    and bytes of a workbook's unpacked XML."""

    rows: int
    columns: int
    cells: int
    unpacked_bytes: int


def import_limits() -> Limits:
    return Limits(
        rows=settings.IMPORT_MAX_ROWS,
        columns=settings.IMPORT_MAX_COLUMNS,
        cells=settings.IMPORT_MAX_CELLS,
        unpacked_bytes=settings.IMPORT_MAX_UNPACKED_BYTES,
    )


def upload_limit_bytes() -> int:
    """The largest file the upload pages accept."""
    return settings.IMPORT_MAX_UPLOAD_BYTES


def too_many_rows(limit: int) -> str:
    return f"The file has more than {limit:,} rows; split it into files of at most {limit:,} rows."


def too_many_columns(limit: int) -> str:
    return f"This row has more than {limit:,} columns; a file can have at most {limit:,}."


class WorkbookRefused(Exception):
    """The workbook must not be opened; the message says why, for the user."""


_CELL_REFERENCE = re.compile(r"([A-Z]{1,3})?([0-9]+)?$")


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - ord("A") + 1
    return number


class _Counter(ContentHandler):
    def __init__(self, limits: Limits):
        super().__init__()
        self.limits = limits
        self.cells = 0
        self.rows = 0
        self.in_row = 0

    def _check_reference(self, reference: str) -> None:
        """A cell or dimension corner: openpyxl pads rows up to it, so it counts too."""
        match = _CELL_REFERENCE.match(reference.upper())
        if not match:
            return
        letters, digits = match.groups()
        if letters and _column_number(letters) > self.limits.columns:
            raise WorkbookRefused(
                f"The sheet reaches column {letters}; a file can have at most "
                f"{self.limits.columns:,} columns."
            )
        if digits and int(digits) > self.limits.rows + 1:
            raise WorkbookRefused(too_many_rows(self.limits.rows))

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        local = name.rpartition(":")[2]
        if local == "c":
            self.cells += 1
            self.in_row += 1
            if self.in_row > self.limits.columns:
                raise WorkbookRefused(too_many_columns(self.limits.columns))
            if self.cells > self.limits.cells:
                raise WorkbookRefused(
                    f"The workbook has more than {self.limits.cells:,} cells; split it "
                    "into smaller files."
                )
            self._check_reference(attrs.get("r", ""))
        elif local == "row":
            self.rows += 1
            self.in_row = 0
            if self.rows > self.limits.rows + 1:
                raise WorkbookRefused(too_many_rows(self.limits.rows))
        elif local == "dimension":
            for corner in attrs.get("ref", "").split(":"):
                self._check_reference(corner)


def _scan(source: IO[bytes], handler: ContentHandler) -> None:
    parser = make_parser()
    parser.setContentHandler(handler)
    parser.parse(source)


def check_workbook(path: Path, limits: Limits) -> None:
    """Raise ``WorkbookRefused`` if the workbook at ``path`` is too big or unsafe to open.

    Not a zip at all is left to openpyxl, which says so in its own words.
    """
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        return
    with archive:
        members = archive.infolist()
        # A member's declared size bounds what zipfile unpacks from it.
        if sum(member.file_size for member in members) > limits.unpacked_bytes:
            raise WorkbookRefused(
                f"The workbook unpacks to more than {limits.unpacked_bytes // 2**20:,} MB; "
                "split it into smaller files."
            )
        counter = _Counter(limits)
        for member in members:
            name = member.filename
            if not (name.startswith("xl/") and name.endswith(".xml")):
                continue
            try:
                with archive.open(member) as source:
                    if name.startswith("xl/worksheets/"):
                        counter.in_row = 0
                        _scan(source, counter)
                    else:
                        _scan(source, ContentHandler())
            except DefusedXmlException:
                raise WorkbookRefused(
                    f"The workbook's {name} declares XML entities or external references, "
                    "which an import does not read. Save it again from a spreadsheet program."
                ) from None
            except SAXException as error:
                raise WorkbookRefused(
                    f"The workbook's {name} is damaged ({error}). Save it again from a "
                    "spreadsheet program."
                ) from None
            except (zipfile.BadZipFile, EOFError, OSError) as error:
                raise WorkbookRefused(f"The workbook is damaged ({error}).") from None
