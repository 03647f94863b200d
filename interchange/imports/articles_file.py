"""The import of ``articles.csv``: new articles with their acquisition, edits of others."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from articles import rules
from articles.models import (
    DISPOSED_STATUSES,
    PRODUCTION_YEAR_RANGE,
    Allocation,
    Article,
    Condition,
    Event,
    EventKind,
    Status,
    Store,
    specification_errors,
)
from articles.services import start_of_day
from interchange.columns import ARTICLES
from interchange.tabular import RowError, Table, open_table
from skus.models import SKU

from .bulk import BATCH, by_lower, chunks, insert_rows
from .cells import Cells, check_header, choice, identifier, length_error, row_width_error, stream
from .results import (
    ActingUser,
    ImportFailed,
    ImportResult,
    Progress,
    error_text,
    progress_for,
    recording_user,
    reporting,
)

# The columns that name an article, SKU or store, and what the refusals call them.
CODES = {"number": "The article number", "sku_code": "The SKU code", "store": "The store name"}


@dataclass
class _ArticleRow:
    line: int
    number: str
    values: dict[str, Any]
    specifications: dict[str, str]


@reporting
def articles_import(
    *,
    path: Path | str,
    name: str = "",
    dry_run: bool = False,
    acting_user: ActingUser = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Add or update the articles of an ``articles.csv`` (or .xlsx) file.

    A row whose number exists updates that article's descriptive fields (as
    ``article_update`` does, with an "Edited." note in its ledger); its ``store``,
    ``status`` and ``condition`` describe the article as it entered the fleet and
    are used only for new articles, since an article's current store, status and
    condition change through events (transfer, status change, inspection). An
    empty cell of an existing article leaves that field as it is.

    Article numbers, SKU codes and store names are compared as
    ``articles.codes.normalized_code`` stores them, so a look-alike spelling names
    the same article, SKU or store. The events the import writes record
    ``acting_user`` and the file's name.
    """
    progress = progress_for(progress)
    table = open_table(path, name=name)
    check_header(table, ARTICLES)
    errors: list[RowError] = []
    rows = _read_article_rows(table, progress, errors)
    if not rows and not errors:
        raise ImportFailed([RowError(0, "", "The file has a header but no rows to import.")])
    result = ImportResult(dry_run=dry_run)
    with transaction.atomic():
        _apply_article_rows(
            rows, errors, result, acting_user=acting_user, source=Path(name or path).name
        )
        if errors:
            transaction.set_rollback(True)
            raise ImportFailed(errors)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _read_article_rows(
    table: Table, progress: Progress, errors: list[RowError]
) -> list[_ArticleRow]:
    header = table.header
    spec_columns = [column for column in header if column not in ARTICLES.names]
    limits = ARTICLES.max_lengths()
    cells = Cells()
    today = timezone.localdate()
    rows: list[_ArticleRow] = []
    first_line: dict[str, int] = {}
    for line, raw in stream(table, progress, "Checking articles"):
        width = row_width_error(line, raw, header)
        if width:
            errors.append(width)
            continue
        record = dict(zip(header, (value.strip() for value in raw), strict=False))
        values: dict[str, Any] = {}
        row_errors = len(errors)

        def fail(column: str, message: str, line: int = line) -> None:
            errors.append(RowError(line, column, message))

        for column, what in CODES.items():
            if record.get(column):
                try:
                    record[column] = identifier(record[column], what=what)
                except ValueError as error:
                    fail(column, str(error))
        for column, limit in limits.items():
            too_long = length_error(line, column, record.get(column, ""), limit)
            if too_long:
                errors.append(too_long)
        number = record.get("number", "")
        if number:
            earlier = first_line.get(number.lower())
            if earlier:
                fail("number", f"The article number {number} is already on line {earlier}.")
            else:
                first_line[number.lower()] = line
        for column, choices, what in (
            ("allocation", Allocation.values, "an allocation"),
            ("condition", Condition.values, "a condition"),
        ):
            try:
                values[column] = choice(record.get(column, ""), choices, what)
            except ValueError as error:
                fail(column, str(error))
        status = record.get("status", "").lower()
        if status in DISPOSED_STATUSES:
            fail(
                "status",
                f"An article is imported active or out_of_use; record the {status} "
                "article's disposal as an event in events.csv.",
            )
        elif status and status not in (Status.ACTIVE, Status.OUT_OF_USE):
            fail("status", f"{record['status']!r} is not a status; use active or out_of_use.")
        values["status"] = status
        year = record.get("production_year", "")
        if year:
            # Only ASCII digits: "²" is a digit to str.isdigit, but int() refuses it.
            if not (year.isascii() and year.isdigit()):
                fail("production_year", f"{year!r} is not a year.")
            elif not PRODUCTION_YEAR_RANGE[0] <= int(year) <= PRODUCTION_YEAR_RANGE[1]:
                fail(
                    "production_year",
                    f"{year} is not a production year between {PRODUCTION_YEAR_RANGE[0]} "
                    f"and {PRODUCTION_YEAR_RANGE[1]}.",
                )
            else:
                values["production_year"] = int(year)
        try:
            purchased_on = cells.date(record.get("purchased_on", ""))
            if purchased_on is not None:
                rules.check_purchase_date(purchased_on, today=today)
            values["purchased_on"] = purchased_on
        except ValueError as error:
            fail("purchased_on", str(error))
        except ValidationError as error:
            for column, message in error_text(error):
                fail(column or "purchased_on", message)
        try:
            values["purchase_price"] = cells.money(record.get("purchase_price", ""))
        except ValueError as error:
            fail("purchase_price", str(error))
        for column in ("sku_code", "sku_name", "store", "manufacturer", "model", "serial_number"):
            values[column] = record.get(column, "")
        specifications = {column: record[column] for column in spec_columns if record.get(column)}
        for column, message in specification_errors(specifications):
            fail(column, message)
        if len(errors) == row_errors:
            rows.append(
                _ArticleRow(line=line, number=number, values=values, specifications=specifications)
            )
    return rows


def _apply_article_rows(
    rows: list[_ArticleRow],
    errors: list[RowError],
    result: ImportResult,
    *,
    acting_user: ActingUser,
    source: str,
) -> None:
    numbers = {row.number.lower() for row in rows if row.number}
    existing = {}
    for chunk in chunks(sorted(numbers)):
        queryset = (
            Article.objects.select_for_update(of=("self",))
            .select_related("sku", "store")
            .annotate(_key=Lower("number"))
            .filter(_key__in=chunk)
        )
        existing.update({article.number.lower(): article for article in queryset})
    skus = by_lower(SKU, "code", {row.values["sku_code"].lower() for row in rows} - {""})
    stores = by_lower(Store, "name", {row.values["store"].lower() for row in rows} - {""})
    on_order = set(
        Event.objects.usages()
        .open()
        .filter(article_id__in=[article.pk for article in existing.values()])
        .values_list("article_id", flat=True)
    )
    new_rows, updates = [], []
    for row in rows:
        article = existing.get(row.number.lower()) if row.number else None
        if article is None:
            missing = [
                column for column in ("sku_code", "store", "purchased_on") if not row.values[column]
            ]
            for column in missing:
                errors.append(
                    RowError(
                        row.line, column, f"A new article needs its {column.replace('_', ' ')}."
                    )
                )
            if not missing:
                new_rows.append(row)
        else:
            updates.append((row, article))
    if errors:
        return
    # SKUs and stores that do not exist yet are created (a new SKU is named by sku_name).
    new_skus = {}
    for row in rows:
        code = row.values["sku_code"]
        if code and code.lower() not in skus and code.lower() not in new_skus:
            new_skus[code.lower()] = SKU(code=code, name=row.values["sku_name"] or code)
    if new_skus:
        SKU.objects.bulk_create(new_skus.values())
        skus.update(by_lower(SKU, "code", set(new_skus)))
    new_stores = {}
    for row in new_rows:
        name = row.values["store"]
        if name.lower() not in stores and name.lower() not in new_stores:
            new_stores[name.lower()] = Store(name=name)
    if new_stores:
        Store.objects.bulk_create(new_stores.values())
        stores.update(by_lower(Store, "name", set(new_stores)))
    recorded = Recorded.of(acting_user, source=source)
    _add_articles(new_rows, skus, stores, result, recorded=recorded)
    _update_articles(updates, skus, on_order, errors, result, recorded=recorded)


@dataclass(frozen=True)
class Recorded:
    """Who imported the events and from which file, as every event records it."""

    fields: dict[str, Any]

    @classmethod
    def of(cls, acting_user: ActingUser, *, source: str) -> "Recorded":
        user = recording_user(acting_user)
        return cls(
            {
                "recorded_by": user,
                "recorded_by_name": user.get_username() if user else "",
                "source": source,
            }
        )


def _generated_numbers(rows: list[_ArticleRow], skus: dict[str, SKU]) -> dict[int, str]:
    """``<SKU code>-<sequence>`` for rows without a number, skipping numbers taken."""
    wanted = defaultdict(list)
    for row in rows:
        if not row.number:
            wanted[row.values["sku_code"].lower()].append(row)
    numbers = {}
    file_numbers = {row.number.lower() for row in rows if row.number}
    for code, sku_rows in wanted.items():
        sku = SKU.objects.select_for_update().get(pk=skus[code].pk)
        taken = file_numbers | {
            number.lower()
            for number in Article.objects.filter(number__istartswith=f"{sku.code}-").values_list(
                "number", flat=True
            )
        }
        sequence = sku.next_article_sequence
        for row in sku_rows:
            while f"{sku.code}-{sequence:04d}".lower() in taken:
                sequence += 1
            numbers[row.line] = f"{sku.code}-{sequence:04d}"
            sequence += 1
        sku.next_article_sequence = sequence
        sku.save(update_fields=["next_article_sequence", "updated_at"])
    return numbers


def _add_articles(
    rows: list[_ArticleRow],
    skus: dict[str, SKU],
    stores: dict[str, Store],
    result: ImportResult,
    *,
    recorded: "Recorded",
) -> None:
    if not rows:
        return
    generated = _generated_numbers(rows, skus)
    now = timezone.now()
    for batch in chunks(rows, BATCH):
        articles = []
        for row in batch:
            values = row.values
            articles.append(
                Article(
                    number=row.number or generated[row.line],
                    sku=skus[values["sku_code"].lower()],
                    store=stores[values["store"].lower()],
                    allocation=values["allocation"] or Allocation.RENTAL,
                    status=values["status"] or Status.ACTIVE,
                    condition=values["condition"] or Condition.NEW,
                    manufacturer=values["manufacturer"],
                    model=values["model"],
                    production_year=values.get("production_year"),
                    serial_number=values["serial_number"],
                    purchased_on=values["purchased_on"],
                    purchase_price=values["purchase_price"] or Decimal("0"),
                    specifications=row.specifications,
                )
            )
        insert_rows(Article, articles, keys=True)
        # The acquisition event of each, as article_create writes it.
        insert_rows(
            Event,
            (
                Event(
                    article=article,
                    kind=EventKind.ACQUISITION,
                    occurred_at=start_of_day(article.purchased_on),
                    condition=article.condition,
                    store=article.store,
                    status=article.status if article.status != Status.ACTIVE else "",
                    recorded_at=now,
                    **recorded.fields,
                )
                for article in articles
            ),
        )
        result.added += len(articles)


def _update_articles(
    updates: list[tuple[_ArticleRow, Article]],
    skus: dict[str, SKU],
    on_order: set[int],
    errors: list[RowError],
    result: ImportResult,
    *,
    recorded: "Recorded",
) -> None:
    now = timezone.now()
    changed, notes = [], []
    differing = 0
    # The store, status and condition each article entered the fleet in (what the
    # export writes): a row that repeats them is not a change left undone.
    entry = {}
    for chunk in chunks([article.pk for _, article in updates]):
        for article_id, store, condition, status in Event.objects.filter(
            article_id__in=chunk, kind=EventKind.ACQUISITION
        ).values_list("article_id", "store__name", "condition", "status"):
            entry[article_id] = ((store or "").lower(), condition, status or Status.ACTIVE)
    for row, article in updates:
        values = row.values
        entry_store, entry_condition, entry_status = entry.get(article.pk, ("", "", ""))
        if (
            (values["status"] not in ("", article.status, entry_status))
            or (values["condition"] not in ("", article.condition, entry_condition))
            or (values["store"].lower() not in ("", article.store.name.lower(), entry_store))
        ):
            differing += 1
        wanted = {
            "sku": skus[values["sku_code"].lower()] if values["sku_code"] else None,
            "allocation": values["allocation"] or None,
            "manufacturer": values["manufacturer"] or None,
            "model": values["model"] or None,
            "production_year": values.get("production_year"),
            "serial_number": values["serial_number"] or None,
            "purchased_on": values["purchased_on"],
            "purchase_price": values["purchase_price"],
            "specifications": {**article.specifications, **row.specifications}
            if row.specifications
            else None,
        }
        merged = specification_errors(wanted["specifications"] or {})
        if merged:
            # Each column was within bounds; together with the stored ones they are not.
            errors.extend(RowError(row.line, column, message) for column, message in merged)
            continue
        changes = {
            name: value
            for name, value in wanted.items()
            if value is not None and getattr(article, name) != value
        }
        if not changes:
            result.skipped += 1
            continue
        if changes.get("allocation") == Allocation.SALES and article.pk in on_order:
            usage = Event.objects.usages().open().filter(article=article).first()
            try:
                rules.refuse_if_on_order(article.number, usage, "allocating it to sales")
            except ValidationError as error:
                errors.append(RowError(row.line, "allocation", error.messages[0]))
                continue
        before = {name: getattr(article, name) for name in changes}
        changed.append((article.pk, changes))
        summary = "; ".join(f"{name}: {before[name]} → {changes[name]}" for name in changes)
        notes.append(
            Event(
                article=article,
                kind=EventKind.NOTE,
                occurred_at=now,
                notes=f"Edited. {summary}",
                recorded_at=now,
                **recorded.fields,
            )
        )
    if errors:
        return
    if differing:
        result.notices.append(
            f"{differing} existing article{'s' if differing > 1 else ''} list a store, status "
            "or condition other than the current one; those change through events "
            "(transfer, status_change, inspection in events.csv) and were left as they are."
        )
    # One UPDATE per changed article: Django's bulk_update builds a CASE per row
    # and field, which is far slower for thousands of rows.
    for article_id, changes in changed:
        Article.objects.filter(pk=article_id).update(**changes, updated_at=now)
    insert_rows(Event, notes)
    result.updated += len(changed)
