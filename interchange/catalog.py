"""``catalog.csv``: the catalog link in and out of a storefront (README "catalog.csv").

Columns ``code,name,kind,purpose,active,slots``; ``slots`` is written
``2xHELMET|1xCITYB-M/CITYB-L``: slots separated by ``|``, in order, each ``<units>x``
and its alternative SKU codes separated by ``/``. An import adds the items whose code
is new and replaces the fields and slots of the others through ``catalog_item_save``,
the one write path of the catalog; an item equal to its row is skipped, so the same
file imported twice changes nothing, and the export imports back to the same catalog.
Items not in the file are left as they are.

All or nothing: every row is read and saved inside one transaction, each in its own
savepoint so that a refusal is reported with its line and the next row still
checked; with any error (or a dry run) the transaction is rolled back.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower

from articles.models import Allocation
from catalog_link.models import CatalogItem, CatalogItemKind
from catalog_link.selectors import catalog_items_with_slots
from catalog_link.services import catalog_item_save
from interchange.imports.results import ImportFailed, ImportResult, error_text, reporting
from interchange.tabular import FileProblem, RowError, open_table, spreadsheet_text
from skus.models import SKU

CATALOG_COLUMNS = ("code", "name", "kind", "purpose", "active", "slots")
SLOT_SEPARATOR, ALTERNATIVE_SEPARATOR = "|", "/"
TRUE, FALSE = "true", "false"
ACTIVE_WORDS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
SLOT_PATTERN = re.compile(r"^\s*(\d+)\s*[xX×]\s*(.+?)\s*$")

# A slot as read from a file: units and the SKU codes of its alternatives.
SlotCodes = tuple[int, list[str]]


@dataclass
class CatalogRow:
    line: int
    code: str
    name: str
    kind: str
    purpose: str
    active: bool
    slots: list[SlotCodes]


# --- writing -----------------------------------------------------------------------


def active_text(active: bool) -> str:
    return TRUE if active else FALSE


def slots_text(item: CatalogItem) -> str:
    """The item's slots as the file writes them (slots and SKUs prefetched)."""
    return SLOT_SEPARATOR.join(
        f"{slot.units}x" + ALTERNATIVE_SEPARATOR.join(sku.code for sku in slot.skus.all())
        for slot in item.slots.all()
    )


def catalog_table() -> tuple[list[str], Iterator[list[str]]]:
    """Every catalog item as a row of ``catalog.csv``, by code; text a spreadsheet would
    run as a formula is written so it shows it (``tabular.spreadsheet_text``)."""
    items = catalog_items_with_slots(CatalogItem.objects.order_by("code"))
    rows = (
        [
            spreadsheet_text(text)
            for text in (
                item.code,
                item.name,
                item.kind,
                item.purpose,
                active_text(item.active),
                slots_text(item),
            )
        ]
        for item in items
    )
    return list(CATALOG_COLUMNS), rows


# --- reading -----------------------------------------------------------------------


def parse_slots(text: str) -> list[SlotCodes]:
    """``2xHELMET|1xCITYB-M/CITYB-L`` as [(2, ["HELMET"]), (1, ["CITYB-M", "CITYB-L"])];
    a ValueError says what is wrong. Counting units and SKUs is the service's job."""
    if not text.strip():
        return []
    slots = []
    for position, part in enumerate(text.split(SLOT_SEPARATOR), start=1):
        match = SLOT_PATTERN.match(part)
        if match is None:
            raise ValueError(
                f"Slot {position} ({part.strip()!r}) is not written as <units>x<SKU "
                "code>[/<SKU code>...], e.g. 2xHELMET or 1xCITYB-M/CITYB-L."
            )
        codes = [code.strip() for code in match.group(2).split(ALTERNATIVE_SEPARATOR)]
        if not all(codes):
            raise ValueError(f"Slot {position} has an empty SKU code between its '/'.")
        slots.append((int(match.group(1)), codes))
    return slots


def _read_row(line: int, cells: dict[str, str]) -> tuple[CatalogRow | None, list[RowError]]:
    errors = []
    code = cells["code"].strip()
    if not code:
        errors.append(RowError(line, "code", "The code is empty."))
    kind = cells["kind"].strip().lower()
    if kind not in CatalogItemKind.values:
        errors.append(
            RowError(
                line, "kind", f"{kind!r} is not a kind; use {', '.join(CatalogItemKind.values)}."
            )
        )
    purpose = cells["purpose"].strip().lower()
    if purpose not in Allocation.values:
        errors.append(
            RowError(
                line,
                "purpose",
                f"{purpose!r} is not a purpose; use {', '.join(Allocation.values)}.",
            )
        )
    active = ACTIVE_WORDS.get(cells["active"].strip().lower())
    if active is None:
        errors.append(RowError(line, "active", f"{cells['active']!r} is not true or false."))
    try:
        slots = parse_slots(cells["slots"])
    except ValueError as problem:
        errors.append(RowError(line, "slots", str(problem)))
        slots = []
    if errors or active is None:
        return None, errors
    row = CatalogRow(line, code, cells["name"].strip(), kind, purpose, active, slots)
    return row, []


def _read_file(path: Path | str, name: str) -> tuple[list[CatalogRow], list[RowError]]:
    table = open_table(path, name=name)
    missing = [column for column in CATALOG_COLUMNS if column not in table.header]
    if missing:
        raise FileProblem(
            [RowError(1, column, "The header has no such column.") for column in missing]
        )
    rows, errors = [], []
    first_line: dict[str, int] = {}
    for line, values in table.rows:
        cells = dict(zip(table.header, values + [""] * len(table.header), strict=False))
        row, row_errors = _read_row(line, cells)
        errors.extend(row_errors)
        if row is None:
            continue
        seen = first_line.setdefault(row.code.lower(), line)
        if seen != line:
            errors.append(RowError(line, "code", f"{row.code} is on line {seen} too."))
            continue
        rows.append(row)
    return rows, errors


def _skus_by_code(rows: list[CatalogRow]) -> dict[str, SKU]:
    codes = {code.lower() for row in rows for _, alternatives in row.slots for code in alternatives}
    return {
        sku.code.lower(): sku
        for sku in SKU.objects.annotate(lower_code=Lower("code")).filter(lower_code__in=codes)
    }


def _unchanged(item: CatalogItem, row: CatalogRow, slots: list[tuple[int, list[SKU]]]) -> bool:
    mine = [(slot.units, sorted(sku.pk for sku in slot.skus.all())) for slot in item.slots.all()]
    theirs = [(units, sorted(sku.pk for sku in skus)) for units, skus in slots]
    return (item.code, item.name, item.kind, item.purpose, item.active, mine) == (
        row.code,
        row.name,
        row.kind,
        row.purpose,
        row.active,
        theirs,
    )


@reporting
def catalog_import(*, path: Path | str, dry_run: bool = False, name: str = "") -> ImportResult:
    """Add or update the catalog items of a ``catalog.csv`` (or .xlsx) file, all or
    nothing; ``ImportFailed`` lists every error with its line."""
    rows, errors = _read_file(path, name)
    result = ImportResult(dry_run=dry_run)
    with transaction.atomic():
        skus = _skus_by_code(rows)
        existing = {
            item.code.lower(): item
            for item in catalog_items_with_slots(
                CatalogItem.objects.annotate(lower_code=Lower("code"))
                .filter(lower_code__in=[row.code.lower() for row in rows])
                .select_for_update()
            )
        }
        for row in rows:
            unknown = [code for _, codes in row.slots for code in codes if code.lower() not in skus]
            if unknown:
                errors.append(RowError(row.line, "slots", f"There is no SKU {', '.join(unknown)}."))
                continue
            slots = [(units, [skus[code.lower()] for code in codes]) for units, codes in row.slots]
            item = existing.get(row.code.lower())
            if item is not None and _unchanged(item, row, slots):
                result.skipped += 1
                continue
            try:
                with transaction.atomic():
                    catalog_item_save(
                        item=item,
                        code=row.code,
                        name=row.name,
                        kind=row.kind,
                        purpose=row.purpose,
                        active=row.active,
                        slots=slots,
                    )
            except ValidationError as refusal:
                errors.extend(
                    RowError(row.line, column if column != "__all__" else "", message)
                    for column, message in error_text(refusal)
                )
                continue
            if item is None:
                result.added += 1
            else:
                result.updated += 1
        if errors:
            raise ImportFailed(errors)
        if dry_run:
            transaction.set_rollback(True)
    return result
