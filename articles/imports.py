"""Imports of ``articles.csv`` and ``events.csv`` (SPEC.md "Files in and out").

An import checks the whole file first and writes only when every row is right, in
one transaction:

1. the file is streamed and each row is parsed into a compact tuple; what cannot
   be read (a date that does not exist, a negative amount, an unknown kind...) is
   reported with its line and column;
2. inside the transaction the affected articles are locked and their state loaded
   in bulk (their usages, open downtimes and the keys of their events);
3. every row is applied in memory, per article in ``occurred_at`` order, through the
   rules of ``articles.rules`` that the services apply one row at a time, so a row
   the web forms would refuse is refused here with the same message;
4. with no error, everything is written with bulk inserts and updates and the
   stored totals are refreshed set-based; with any error (or ``dry_run``) the
   transaction is rolled back and nothing is written.

``articles_import`` and ``events_import`` are the one code path of the management
commands and of the admin's upload pages.
"""

import bisect
import datetime as dt
import functools
import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DataError, IntegrityError, connection, models, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from skus.models import SKU

from . import rules
from .models import (
    DISPOSAL_KINDS,
    DISPOSED_STATUSES,
    MONEY,
    PRODUCTION_YEAR_RANGE,
    SERVICE_KINDS,
    USAGE_KINDS,
    Allocation,
    Article,
    Condition,
    Event,
    EventKind,
    Status,
    Store,
)
from .services import article_totals_refresh, start_of_day
from .tabular import FileProblem, RowError, Table, open_table

ARTICLE_COLUMNS = (
    "number",
    "sku_code",
    "sku_name",
    "allocation",
    "status",
    "condition",
    "manufacturer",
    "model",
    "production_year",
    "serial_number",
    "store",
    "purchased_on",
    "purchase_price",
)
ARTICLE_REQUIRED_COLUMNS = ("number", "sku_code", "store", "purchased_on")
EVENT_COLUMNS = (
    "article_number",
    "kind",
    "occurred_at",
    "ended_at",
    "revenue",
    "cost",
    "reference",
    "condition",
    "store",
    "status",
    "notes",
)
EVENT_REQUIRED_COLUMNS = ("article_number", "kind", "occurred_at")
BATCH = 2000
ZERO = Decimal("0")
LOOKUP_CHUNK = 500
MAX_MONEY = Decimal(10) ** (MONEY["max_digits"] - MONEY["decimal_places"])
MONEY_PATTERN = re.compile(r"^\d+(\.\d{1,2})?$")
DATE_PREFIX = re.compile(r"^\d{4}-\d{2}-\d{2}")
LENGTHS = {
    "number": 64,
    "sku_code": 64,
    "sku_name": 200,
    "manufacturer": 100,
    "model": 100,
    "serial_number": 100,
    "store": 100,
    "reference": 100,
}

Progress = Callable[..., Any]


def _no_progress(iterable=None, **kwargs):
    return _Silent(iterable)


class _Silent:
    def __init__(self, iterable=None):
        self.iterable = iterable

    def __iter__(self):
        return iter(self.iterable)

    def update(self, n=1):
        pass

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do)."""

    added: int = 0
    updated: int = 0
    skipped: int = 0
    dry_run: bool = False
    notices: list[str] = field(default_factory=list)

    def summary(self) -> str:
        verb = "Would add" if self.dry_run else "Added"
        text = f"{verb} {self.added}, updated {self.updated}, skipped {self.skipped}."
        if self.dry_run:
            text += " Nothing was written (dry run)."
        return text


class ImportFailed(FileProblem):
    """The file has errors; nothing was written."""


def _reporting(function):
    """Any problem with the file itself comes out as ``ImportFailed`` too."""

    @functools.wraps(function)
    def wrapper(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except ImportFailed:
            raise
        except FileProblem as problem:
            raise ImportFailed(problem.errors) from None
        except (IntegrityError, DataError) as error:
            # Only a change made at the same moment by someone else gets here: the
            # rows were checked against the database under lock.
            raise ImportFailed(
                [
                    RowError(
                        0,
                        "",
                        "The database refused the import, probably because the same "
                        f"articles changed meanwhile ({str(error).splitlines()[0]}). Nothing "
                        "was written; import the file again.",
                    )
                ]
            ) from None

    return wrapper


# --- parsing cells ------------------------------------------------------------------


class _Cells:
    """Parsers for one import, with caches: a nightly file repeats most values."""

    def __init__(self):
        self.zone = timezone.get_current_timezone()
        self.money_cache: dict[str, Decimal] = {}

    def money(self, text: str) -> Decimal | None:
        """Empty is None; otherwise a non-negative amount with at most 2 decimals."""
        if not text:
            return None
        value = self.money_cache.get(text)
        if value is not None:
            return value
        cleaned = text.strip()
        if not MONEY_PATTERN.match(cleaned):
            if cleaned.startswith("-") and MONEY_PATTERN.match(cleaned[1:]):
                raise ValueError(f"{cleaned} is negative; amounts are 0 or more.")
            if re.match(r"^-?\d+\.\d{3,}$", cleaned):
                raise ValueError(f"{cleaned} has more than 2 decimal places.")
            raise ValueError(f"{cleaned!r} is not an amount of money; write it like 12.50.")
        value = Decimal(cleaned)
        if value >= MAX_MONEY:
            raise ValueError(f"{cleaned} is too large for an amount of money.")
        self.money_cache[text] = value
        return value

    def moment(self, text: str) -> dt.datetime | None:
        """ISO 8601; without an offset in the installation's time zone; a date alone
        is the start of that day."""
        text = text.strip()
        if not text:
            return None
        try:
            if len(text) == 10:
                return start_of_day(dt.date.fromisoformat(text)).astimezone(dt.UTC)
            value = dt.datetime.fromisoformat(text)
        except ValueError:
            if DATE_PREFIX.match(text) and _valid_shape(text):
                raise ValueError(f"{text} is not a date in the calendar.") from None
            raise ValueError(
                f"{text!r} is not a date and time; write it as 2025-05-03 or "
                "2025-05-03T14:00 (ISO 8601)."
            ) from None
        if value.tzinfo is None:
            value = timezone.make_aware(value, self.zone)
        return value.astimezone(dt.UTC)

    @staticmethod
    def date(text: str) -> dt.date | None:
        text = text.strip()
        if not text:
            return None
        try:
            return dt.date.fromisoformat(text[:10] if len(text) > 10 else text)
        except ValueError:
            if DATE_PREFIX.match(text) and _valid_shape(text):
                raise ValueError(f"{text} is not a date in the calendar.") from None
            raise ValueError(f"{text!r} is not a date; write it as 2025-05-03.") from None


def _valid_shape(text: str) -> bool:
    """Digits where a date has digits: then a failure means an impossible date."""
    return bool(re.match(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?", text))


def _choice(text: str, choices: list[str], what: str) -> str:
    value = text.strip().lower()
    if value and value not in choices:
        raise ValueError(f"{text.strip()!r} is not {what}; use one of {', '.join(choices)}.")
    return value


def _check_header(table: Table, known: tuple[str, ...], required: tuple[str, ...], *, extra_ok):
    missing = [column for column in required if column not in table.header]
    errors = []
    if missing:
        errors.append(
            RowError(
                1,
                "",
                f"The header lacks the required column{'s' if len(missing) > 1 else ''} "
                f"{', '.join(missing)}. The columns are: {', '.join(known)}.",
            )
        )
    if not extra_ok:
        unknown = [column for column in table.header if column not in known]
        if unknown:
            errors.append(
                RowError(
                    1,
                    "",
                    f"Unknown column{'s' if len(unknown) > 1 else ''} {', '.join(unknown)}. "
                    f"The columns are: {', '.join(known)}.",
                )
            )
    if errors:
        raise ImportFailed(errors)


def _row_width_error(line: int, values: list[str], header: list[str]) -> RowError | None:
    if len(values) > len(header) and any(value.strip() for value in values[len(header) :]):
        return RowError(
            line,
            "",
            f"The row has {len(values)} values but the header names {len(header)} columns.",
        )
    return None


def _chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _error_text(error: ValidationError) -> list[tuple[str, str]]:
    """(field, message) pairs of a ValidationError; the field is "" when it names none."""
    if hasattr(error, "error_dict"):
        return [
            (name, message) for name, messages in error.message_dict.items() for message in messages
        ]
    return [("", message) for message in error.messages]


def _progress_for(progress: Progress | None) -> Progress:
    return progress or _no_progress


def _stream(table: Table, progress: Progress, description: str):
    """The table's rows with a progress bar over bytes (CSV) or rows (Excel)."""
    bar = progress(total=table.size, desc=description, unit=table.unit, unit_scale=True)
    if table.unit == "B":
        # Bytes of a line are approximated by its characters plus separators.
        for line, values in table.rows:
            bar.update(sum(len(value) for value in values) + len(values))
            yield line, values
    else:
        for line, values in table.rows:
            bar.update(1)
            yield line, values
    bar.close()


# --- writing fast -------------------------------------------------------------------


def insert_rows(model, objects: Iterable, *, keys: bool = False) -> None:
    """Insert unsaved ``objects`` of ``model``: with COPY on PostgreSQL, in batches of
    ``bulk_create`` elsewhere. With ``keys`` their primary keys are set too.

    COPY skips ``Model.save()`` like ``bulk_create`` does, and the database checks
    every constraint (the exclusion constraint on usages included) as for an INSERT.
    """
    if connection.vendor != "postgresql":
        # SQLite (3.35+) returns the keys of a bulk insert.
        batch = []
        for obj in objects:
            batch.append(obj)
            if len(batch) == BATCH:
                model.objects.bulk_create(batch)
                batch = []
        if batch:
            model.objects.bulk_create(batch)
        return
    meta = model._meta
    fields = [field for field in meta.concrete_fields if keys or not field.primary_key]
    quote = connection.ops.quote_name
    now = timezone.now()
    objects = list(objects) if keys else objects
    with connection.cursor() as cursor:
        if keys and objects:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [meta.db_table, meta.pk.column, len(objects)],
            )
            for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
                obj.pk = pk
        stamped = [
            field.attname
            for field in fields
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        ]
        jsons = {field.attname for field in fields if isinstance(field, models.JSONField)}
        attnames = [field.attname for field in fields]
        columns = ", ".join(quote(field.column) for field in fields)
        with cursor.cursor.copy(f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN") as copy:
            for obj in objects:
                for name in stamped:
                    if getattr(obj, name) is None:
                        setattr(obj, name, now)
                copy.write_row(
                    [
                        json.dumps(getattr(obj, name), cls=DjangoJSONEncoder)
                        if name in jsons
                        else getattr(obj, name)
                        for name in attnames
                    ]
                )


def insert_values(model, attnames: list[str], rows: Iterable[tuple]) -> None:
    """Insert rows given as tuples of ``attnames`` values (every other column takes
    its database value, so ``attnames`` must name every required column)."""
    if connection.vendor != "postgresql":
        insert_rows(model, (model(**dict(zip(attnames, row, strict=True))) for row in rows))
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in attnames)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)


def totals_refresh(ids: list[int]) -> None:
    """``article_totals_refresh`` for many articles at once.

    On PostgreSQL one aggregate pass over their events per 5,000 articles, instead
    of four correlated subqueries per article; the same sums (the tests compare it
    with the services' totals). Articles without events keep their totals (zero).
    """
    if connection.vendor != "postgresql":
        for chunk in _chunks(ids):
            article_totals_refresh(articles=Article.objects.filter(pk__in=chunk))
        return
    quote = connection.ops.quote_name
    usage_kinds = sorted(USAGE_KINDS)
    sql = f"""
        UPDATE {quote(Article._meta.db_table)} AS article
        SET total_usage_count = totals.usage_count,
            total_revenue = totals.revenue,
            total_expenses = totals.expenses,
            total_sale_proceeds = totals.sale_proceeds
        FROM (
            SELECT article_id,
                   COUNT(*) FILTER (WHERE kind = ANY(%s)) AS usage_count,
                   COALESCE(SUM(revenue) FILTER (WHERE kind <> %s), 0) AS revenue,
                   COALESCE(SUM(cost), 0) AS expenses,
                   COALESCE(SUM(revenue) FILTER (WHERE kind = %s), 0) AS sale_proceeds
            FROM {quote(Event._meta.db_table)}
            WHERE article_id = ANY(%s)
            GROUP BY article_id
        ) AS totals
        WHERE article.id = totals.article_id
    """
    with connection.cursor() as cursor:
        for chunk in _chunks(ids, 5000):
            cursor.execute(sql, [usage_kinds, EventKind.SALE, EventKind.SALE, chunk])


# --- articles.csv -------------------------------------------------------------------


@dataclass
class _ArticleRow:
    line: int
    number: str
    values: dict[str, Any]
    specifications: dict[str, str]


@_reporting
def articles_import(
    *,
    path: Path | str,
    name: str = "",
    dry_run: bool = False,
    acting_user=None,
    progress: Progress | None = None,
) -> ImportResult:
    """Add or update the articles of an ``articles.csv`` (or .xlsx) file.

    A row whose number exists updates that article's descriptive fields (as
    ``article_update`` does, with an "Edited." note in its ledger); its ``store``,
    ``status`` and ``condition`` describe the article as it entered the fleet and
    are used only for new articles, since an article's current store, status and
    condition change through events (transfer, status change, inspection). An
    empty cell of an existing article leaves that field as it is.
    """
    progress = _progress_for(progress)
    table = open_table(path, name=name)
    _check_header(table, ARTICLE_COLUMNS, ARTICLE_REQUIRED_COLUMNS, extra_ok=True)
    errors: list[RowError] = []
    rows = _read_article_rows(table, progress, errors)
    if not rows and not errors:
        raise ImportFailed([RowError(0, "", "The file has a header but no rows to import.")])
    result = ImportResult(dry_run=dry_run)
    with transaction.atomic():
        _apply_article_rows(rows, errors, result, acting_user=acting_user)
        if errors:
            transaction.set_rollback(True)
            raise ImportFailed(errors)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _read_article_rows(table: Table, progress: Progress, errors: list[RowError]):
    header = table.header
    spec_columns = [column for column in header if column not in ARTICLE_COLUMNS]
    cells = _Cells()
    rows: list[_ArticleRow] = []
    first_line: dict[str, int] = {}
    for line, raw in _stream(table, progress, "Checking articles"):
        width = _row_width_error(line, raw, header)
        if width:
            errors.append(width)
            continue
        record = dict(zip(header, (value.strip() for value in raw), strict=False))
        values: dict[str, Any] = {}
        row_errors = len(errors)

        def fail(column: str, message: str, line=line) -> None:
            errors.append(RowError(line, column, message))

        for column, limit in LENGTHS.items():
            text = record.get(column, "")
            if column in ARTICLE_COLUMNS and len(text) > limit:
                fail(column, f"The value is {len(text)} characters long; at most {limit} fit.")
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
                values[column] = _choice(record.get(column, ""), choices, what)
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
            if not year.isdigit():
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
            values["purchased_on"] = cells.date(record.get("purchased_on", ""))
        except ValueError as error:
            fail("purchased_on", str(error))
        try:
            values["purchase_price"] = cells.money(record.get("purchase_price", ""))
        except ValueError as error:
            fail("purchase_price", str(error))
        for column in ("sku_code", "sku_name", "store", "manufacturer", "model", "serial_number"):
            values[column] = record.get(column, "")
        if len(errors) == row_errors:
            rows.append(
                _ArticleRow(
                    line=line,
                    number=number,
                    values=values,
                    specifications={
                        column: record[column] for column in spec_columns if record.get(column)
                    },
                )
            )
    return rows


def _by_lower(model, field_name: str, names: set[str]) -> dict[str, Any]:
    found = {}
    for chunk in _chunks(sorted(names)):
        queryset = model.objects.annotate(_key=Lower(field_name)).filter(_key__in=chunk)
        for obj in queryset:
            found[getattr(obj, field_name).lower()] = obj
    return found


def _apply_article_rows(rows, errors, result: ImportResult, *, acting_user) -> None:
    numbers = {row.number.lower() for row in rows if row.number}
    existing = {}
    for chunk in _chunks(sorted(numbers)):
        queryset = (
            Article.objects.select_for_update(of=("self",))
            .select_related("sku", "store")
            .annotate(_key=Lower("number"))
            .filter(_key__in=chunk)
        )
        existing.update({article.number.lower(): article for article in queryset})
    skus = _by_lower(SKU, "code", {row.values["sku_code"].lower() for row in rows} - {""})
    stores = _by_lower(Store, "name", {row.values["store"].lower() for row in rows} - {""})
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
        skus.update(_by_lower(SKU, "code", set(new_skus)))
    new_stores = {}
    for row in new_rows:
        name = row.values["store"]
        if name.lower() not in stores and name.lower() not in new_stores:
            new_stores[name.lower()] = Store(name=name)
    if new_stores:
        Store.objects.bulk_create(new_stores.values())
        stores.update(_by_lower(Store, "name", set(new_stores)))
    _add_articles(new_rows, skus, stores, result, acting_user=acting_user)
    _update_articles(updates, skus, on_order, errors, result, acting_user=acting_user)


def _generated_numbers(rows, skus) -> dict[int, str]:
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


def _add_articles(rows, skus, stores, result: ImportResult, *, acting_user) -> None:
    if not rows:
        return
    generated = _generated_numbers(rows, skus)
    recorded_by = acting_user if getattr(acting_user, "pk", None) else None
    now = timezone.now()
    for batch in _chunks(rows, BATCH):
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
                    recorded_by=recorded_by,
                    recorded_at=now,
                )
                for article in articles
            ),
        )
        result.added += len(articles)


EDITABLE_COLUMNS = (
    "sku",
    "allocation",
    "manufacturer",
    "model",
    "production_year",
    "serial_number",
    "purchased_on",
    "purchase_price",
    "specifications",
)


def _update_articles(updates, skus, on_order, errors, result: ImportResult, *, acting_user):
    recorded_by = acting_user if getattr(acting_user, "pk", None) else None
    now = timezone.now()
    changed, notes = [], []
    differing = 0
    # The store, status and condition each article entered the fleet in (what the
    # export writes): a row that repeats them is not a change left undone.
    entry = {}
    for chunk in _chunks([article.pk for _, article in updates]):
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
                recorded_by=recorded_by,
                recorded_at=now,
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


# --- events.csv ---------------------------------------------------------------------

# A parsed row: (line, kind, occurred_at, ended_at, revenue, cost, reference,
# condition, store, status, notes). Compact on purpose: a million of them fit.
_LINE, _KIND, _AT, _END, _REVENUE, _COST, _REFERENCE, _CONDITION, _STORE, _STATUS, _NOTES = range(
    11
)
# A pending event, mutable so that a later row can close it.
(
    P_KIND,
    P_AT,
    P_END,
    P_DOWNTIME,
    P_REVENUE,
    P_COST,
    P_REFERENCE,
    P_CONDITION,
    P_STORE,
    P_STATUS,
    P_NOTES,
) = range(11)


EVENT_FIELDS = [
    "article_id",
    "kind",
    "occurred_at",
    "ended_at",
    "downtime",
    "revenue",
    "cost",
    "reference",
    "condition",
    "store_id",
    "status",
    "notes",
    "recorded_by_id",
    "recorded_at",
]


class _Usage:
    """A usage of one article, from the database or from the file."""

    __slots__ = ("kind", "occurred_at", "ended_at", "reference", "target")

    def __init__(self, kind, occurred_at, ended_at, reference, target):
        self.kind = kind
        self.occurred_at = occurred_at
        self.ended_at = ended_at
        self.reference = reference
        self.target = target  # an event id (database) or a pending list (file)


class _Downtime:
    __slots__ = ("status", "target")

    def __init__(self, status, target):
        self.status = status
        self.target = target


class _ArticleState:
    """The article as the rows see it, row after row, in occurred_at order."""

    def __init__(self, article: Article):
        self.article = article
        self.number = article.number
        self.status = article.status
        self.allocation = article.allocation
        self.condition = article.condition
        self.store_id = article.store_id
        self.disposed_at = article.disposed_at
        self.usages: list[_Usage] = []
        self.starts: list[dt.datetime] = []
        self.downtimes: list[_Downtime] = []
        # (kind, occurred_at, reference) -> the event: an id, a pending list, or
        # True for an event that can no longer change.
        self.keys: dict[tuple, Any] = {}
        self.has_acquisition = False
        self.pending: list[list] = []
        self.changed = False

    def release(self) -> None:
        """Forget what only the rows of this article needed; keep what is written."""
        self.usages = self.starts = self.downtimes = None
        self.keys = None

    def add_usage(self, usage: _Usage) -> None:
        position = bisect.bisect_right(self.starts, usage.occurred_at)
        self.starts.insert(position, usage.occurred_at)
        self.usages.insert(position, usage)

    def candidates(self, start: dt.datetime, end: dt.datetime | None) -> list[_Usage]:
        """The usages that can overlap [start, end): usages never overlap each other,
        so only the last one starting before ``start`` and those starting inside."""
        first = max(bisect.bisect_right(self.starts, start) - 1, 0)
        last = len(self.usages) if end is None else bisect.bisect_left(self.starts, end)
        return self.usages[first:last]

    def later_or_running(self, moment: dt.datetime) -> list[_Usage]:
        first = max(bisect.bisect_right(self.starts, moment) - 1, 0)
        return self.usages[first:]


@dataclass
class _Closing:
    """Changes to an event already in the database that a row closes."""

    ended_at: dt.datetime
    revenue: Decimal | None = None
    cost: Decimal | None = None
    condition: str = ""
    notes: str = ""


@_reporting
def events_import(
    *,
    path: Path | str,
    name: str = "",
    dry_run: bool = False,
    acting_user=None,
    progress: Progress | None = None,
) -> ImportResult:
    """Apply the rows of an ``events.csv`` (or .xlsx) file to the ledger.

    A row equal to an event already recorded in (article, kind, occurred_at,
    reference) is skipped; one that matches an open usage or downtime and carries
    ``ended_at`` closes it. A service row with ``ended_at`` is a completed downtime,
    with ``status`` out_of_use and no end an open one, otherwise service work without
    downtime. An acquisition row is skipped: the acquisition is recorded when the
    article is added (``articles.csv``).
    """
    progress = _progress_for(progress)
    table = open_table(path, name=name)
    _check_header(table, EVENT_COLUMNS, EVENT_REQUIRED_COLUMNS, extra_ok=False)
    errors: list[RowError] = []
    groups, originals, stores, row_count, unapplied = _read_event_rows(table, progress, errors)
    if not row_count and not errors:
        raise ImportFailed([RowError(0, "", "The file has a header but no rows to import.")])
    result = ImportResult(dry_run=dry_run)
    with transaction.atomic():
        _Simulation(
            groups,
            originals,
            unapplied,
            stores,
            errors,
            result,
            acting_user=acting_user,
            progress=progress,
        ).run(row_count)
        if errors:
            transaction.set_rollback(True)
            raise ImportFailed(errors)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _read_event_rows(table: Table, progress: Progress, errors: list[RowError]):
    header = table.header
    position = {column: header.index(column) for column in EVENT_COLUMNS if column in header}
    width = len(header)
    cells = _Cells()
    interned: dict[str, str] = {}
    kinds, conditions, statuses = EventKind.values, Condition.values, Status.values
    groups: dict[str, list[tuple]] = defaultdict(list)
    originals: dict[str, str] = {}
    unapplied: dict[str, list[int]] = defaultdict(list)
    stores: set[str] = set()
    count = 0

    indexes = [position.get(name) for name in EVENT_COLUMNS]
    padding = [""] * width

    for line, values in _stream(table, progress, "Checking events"):
        if len(values) < width:
            values = values + padding[len(values) :]
        (
            number,
            kind,
            occurred_text,
            ended_text,
            revenue_text,
            cost_text,
            reference,
            condition,
            store,
            status,
            notes,
        ) = [values[index].strip() if index is not None else "" for index in indexes]
        count += 1
        if len(values) > width:
            error = _row_width_error(line, values, header)
            if error:
                errors.append(error)
                continue
        before = len(errors)
        if not number:
            errors.append(RowError(line, "article_number", "The article number is missing."))
        kind = kind.lower()
        if not kind:
            errors.append(RowError(line, "kind", "The kind of event is missing."))
        elif kind not in kinds:
            errors.append(
                RowError(
                    line, "kind", f"{kind!r} is not an event kind; use one of {', '.join(kinds)}."
                )
            )
        moments = []
        for name in ("occurred_at", "ended_at"):
            text = occurred_text if name == "occurred_at" else ended_text
            try:
                moments.append(cells.moment(text))
            except ValueError as error:
                errors.append(RowError(line, name, str(error)))
                moments.append(None)
            else:
                if name == "occurred_at" and not text:
                    errors.append(RowError(line, name, "The time of the event is missing."))
        occurred_at, ended_at = moments
        money = []
        for name, text in (("revenue", revenue_text), ("cost", cost_text)):
            try:
                money.append(cells.money(text))
            except ValueError as error:
                errors.append(RowError(line, name, str(error)))
                money.append(None)
        condition = condition.lower()
        if condition and condition not in conditions:
            errors.append(
                RowError(
                    line,
                    "condition",
                    f"{condition!r} is not a condition; use one of {', '.join(conditions)}.",
                )
            )
        status = status.lower()
        if status and status not in statuses:
            errors.append(
                RowError(
                    line, "status", f"{status!r} is not a status; use one of {', '.join(statuses)}."
                )
            )
        for name, text in (("reference", reference), ("store", store)):
            if len(text) > LENGTHS[name]:
                errors.append(
                    RowError(
                        line,
                        name,
                        f"The value is {len(text)} characters long; at most {LENGTHS[name]} fit.",
                    )
                )
        if occurred_at is not None and ended_at is not None:
            try:
                rules.check_times(occurred_at, ended_at)
            except ValidationError as error:
                for name, message in _error_text(error):
                    errors.append(RowError(line, name or "ended_at", message))
        if len(errors) > before:
            # The row is not applied, but its article must still exist.
            if number:
                unapplied[number.lower()].append(line)
                originals.setdefault(number.lower(), number)
            continue
        if store:
            stores.add(store)
        reference = interned.setdefault(reference, reference)
        key = number.lower()
        if key not in originals:
            originals[key] = number
        groups[key].append(
            (
                line,
                kind,
                occurred_at,
                ended_at,
                money[0],
                money[1],
                reference,
                condition,
                store,
                status,
                notes,
            )
        )
    groups.update((number, []) for number in unapplied if number not in groups)
    return groups, originals, stores, count, unapplied


class _Simulation:
    """Apply the parsed rows in memory, then write them (see the module docstring)."""

    def __init__(
        self, groups, originals, unapplied, store_names, errors, result, *, acting_user, progress
    ):
        self.groups = groups
        self.originals = originals
        self.unapplied = unapplied
        self.store_names = store_names
        self.errors = errors
        self.result = result
        self.recorded_by = acting_user if getattr(acting_user, "pk", None) else None
        self.progress = progress
        self.closings: dict[int, _Closing] = {}
        self.states: dict[int, _ArticleState] = {}

    # -- loading --

    def run(self, row_count: int) -> None:
        articles = self._load_articles()
        for number, rows in self.groups.items():
            if number not in articles:
                lines = [row[_LINE] for row in rows] + self.unapplied.get(number, [])
                for line in lines:
                    self.errors.append(
                        RowError(
                            line,
                            "article_number",
                            f"There is no article {self.originals[number]}; add it "
                            "with articles.csv first.",
                        )
                    )
        self.stores = self._stores()
        bar = self.progress(total=row_count, desc="Applying events", unit="rows", unit_scale=True)
        # A few hundred articles at a time: their events are loaded, their rows
        # applied, and then only what is to be written is kept, so memory holds
        # the file's rows and not the ledger of every article too.
        known = [number for number in self.groups if number in articles]
        for chunk in _chunks(known):
            self._load_events([articles[number].article.pk for number in chunk])
            for number in chunk:
                state = articles[number]
                rows = self.groups.pop(number)
                rows.sort(key=lambda row: (row[_AT], row[_LINE]))
                for row in rows:
                    self._apply(state, row)
                bar.update(len(rows))
                state.release()
        bar.close()
        if not self.errors:
            self._write(articles)

    def _load_articles(self) -> dict[str, _ArticleState]:
        states = {}
        for chunk in _chunks(sorted(self.groups)):
            queryset = (
                Article.objects.select_for_update(of=("self",))
                .annotate(_key=Lower("number"))
                .filter(_key__in=chunk)
                .only("number", "status", "allocation", "condition", "store_id", "disposed_at")
            )
            for article in queryset:
                state = _ArticleState(article)
                states[article.number.lower()] = state
                self.states[article.pk] = state
        return states

    def _stores(self) -> dict[str, Store]:
        stores = _by_lower(Store, "name", {name.lower() for name in self.store_names})
        missing = {}
        for name in self.store_names:
            if name.lower() not in stores and name.lower() not in missing:
                missing[name.lower()] = Store(name=name)
        if missing:
            # Created inside the import's transaction: gone again if it is refused.
            Store.objects.bulk_create(missing.values())
            stores.update(_by_lower(Store, "name", set(missing)))
        return stores

    def _load_events(self, ids: list[int]) -> None:
        for chunk in _chunks(ids):
            rows = (
                Event.objects.filter(article_id__in=chunk)
                .order_by()
                .values_list(
                    "article_id",
                    "pk",
                    "kind",
                    "occurred_at",
                    "ended_at",
                    "reference",
                    "downtime",
                    "status",
                )
            )
            for article_id, pk, kind, occurred_at, ended_at, reference, downtime, status in rows:
                state = self.states[article_id]
                key = (kind, occurred_at, reference)
                if kind in USAGE_KINDS:
                    usage = _Usage(kind, occurred_at, ended_at, reference, pk)
                    state.add_usage(usage)
                    state.keys[key] = usage if ended_at is None else True
                elif kind in SERVICE_KINDS and downtime and ended_at is None:
                    downtime_entry = _Downtime(status, pk)
                    state.downtimes.append(downtime_entry)
                    state.keys[key] = downtime_entry
                else:
                    state.keys[key] = True
                if kind == EventKind.ACQUISITION:
                    state.has_acquisition = True

    # -- applying one row --

    def _fail(self, row, column: str, error: ValidationError) -> None:
        for name, message in _error_text(error):
            self.errors.append(RowError(row[_LINE], name or column, message))

    def _apply(self, state: _ArticleState, row: tuple) -> None:
        kind = row[_KIND]
        if kind == EventKind.ACQUISITION and state.has_acquisition:
            self.result.skipped += 1
            return
        existing = state.keys.get((kind, row[_AT], row[_REFERENCE]))
        if existing is not None:
            if row[_END] is not None and existing is not True:
                self._close(state, row, existing)
            else:
                self.result.skipped += 1
            return
        try:
            rules.check_event_row(
                kind=kind,
                ended_at=row[_END],
                revenue=row[_REVENUE],
                cost=row[_COST],
                condition=row[_CONDITION],
                store=row[_STORE],
                status=row[_STATUS],
            )
        except ValidationError as error:
            column = "revenue" if row[_REVENUE] else "cost"
            self._fail(row, column, error)
            return
        try:
            if kind in USAGE_KINDS:
                self._usage(state, row)
            elif kind in SERVICE_KINDS:
                self._service(state, row)
            elif kind == EventKind.INSPECTION:
                state.condition = row[_CONDITION]
                self._add(state, row, condition=row[_CONDITION])
            elif kind == EventKind.TRANSFER:
                store = self.stores[row[_STORE].lower()]
                rules.check_transfer(
                    number=state.number,
                    status=state.status,
                    store_id=state.store_id,
                    target_store_id=store.pk,
                    target_name=str(store),
                )
                state.store_id = store.pk
                self._add(state, row, store=store.pk)
            elif kind == EventKind.STATUS_CHANGE:
                self._status_set(state, row, row[_STATUS], doing="status change")
                self._add(state, row, status=row[_STATUS])
            elif kind in DISPOSAL_KINDS:
                self._status_set(state, row, DISPOSAL_KINDS[kind], doing=rules.kind_label(kind))
                self._add(state, row)
            elif kind == EventKind.NOTE:
                self._add(state, row, notes=row[_NOTES] or "(no text)")
            else:  # income, expense, adjustment
                self._add(state, row)
        except ValidationError as error:
            self._fail(row, self._column_for(kind), error)

    @staticmethod
    def _column_for(kind: str) -> str:
        if kind == EventKind.STATUS_CHANGE:
            return "status"
        if kind == EventKind.TRANSFER:
            return "store"
        return "kind"

    def _add(self, state: _ArticleState, row: tuple, **fields) -> list:
        pending = [
            row[_KIND],
            row[_AT],
            fields.get("ended_at"),
            fields.get("downtime", False),
            row[_REVENUE],
            row[_COST],
            row[_REFERENCE],
            fields.get("condition", ""),
            fields.get("store"),
            fields.get("status", ""),
            fields.get("notes", row[_NOTES]),
        ]
        state.pending.append(pending)
        state.keys[(row[_KIND], row[_AT], row[_REFERENCE])] = True
        state.changed = True
        self.result.added += 1
        return pending

    def _usage(self, state: _ArticleState, row: tuple) -> None:
        start, end = row[_AT], row[_END]
        try:
            rules.check_usage_start(
                number=state.number,
                kind=row[_KIND],
                status=state.status,
                allocation=state.allocation,
            )
        except ValidationError as error:
            self._fail(row, "kind", error)
            return
        try:
            rules.refuse_overlap(
                state.number, rules.usage_conflict(state.candidates(start, end), start, end)
            )
        except ValidationError as error:
            self._fail(row, "occurred_at", error)
            return
        condition = row[_CONDITION] if end else ""
        pending = self._add(state, row, ended_at=end, condition=condition)
        usage = _Usage(row[_KIND], start, end, row[_REFERENCE], pending)
        state.add_usage(usage)
        if end is None:
            state.keys[(row[_KIND], start, row[_REFERENCE])] = usage
        elif condition:
            state.condition = condition

    def _service(self, state: _ArticleState, row: tuple) -> None:
        end = row[_END]
        downtime = row[_STATUS] == Status.OUT_OF_USE or end is not None
        joins = (
            downtime
            and end is None
            and state.status == Status.OUT_OF_USE
            and any(d.status == Status.OUT_OF_USE for d in state.downtimes)
        )
        takes = rules.service_takes_out_of_use(
            status=state.status, downtime=downtime, ended_at=end, joins_open_downtime=joins
        )
        status = Status.OUT_OF_USE if takes else ""
        pending = self._add(
            state,
            row,
            ended_at=end,
            downtime=downtime,
            condition=row[_CONDITION],
            status=status,
        )
        if takes and state.status == Status.ACTIVE:
            state.status = Status.OUT_OF_USE
        if row[_CONDITION] and (end is not None or not downtime):
            state.condition = row[_CONDITION]
        if downtime and end is None:
            entry = _Downtime(status, pending)
            state.downtimes.append(entry)
            state.keys[(row[_KIND], row[_AT], row[_REFERENCE])] = entry

    def _status_set(self, state: _ArticleState, row: tuple, target: str, *, doing: str) -> None:
        moment = row[_AT]
        rules.check_transition(number=state.number, status=state.status, target=target)
        if target in DISPOSED_STATUSES:
            running = rules.check_disposal(
                number=state.number,
                usages=state.later_or_running(moment),
                occurred_at=moment,
                target=target,
                doing=doing,
            )
            if running is not None:
                self._end_usage(state, running, moment, notes=f"Ended by {doing}.")
            state.disposed_at = rules.disposed_at_after(
                status=state.status, disposed_at=state.disposed_at, occurred_at=moment
            )
        elif state.status == Status.LOST:
            rules.check_found(
                number=state.number, disposed_at=state.disposed_at, occurred_at=moment
            )
            state.disposed_at = None
        state.status = target

    # -- closing what is open --

    def _close(self, state: _ArticleState, row: tuple, existing) -> None:
        try:
            if isinstance(existing, _Usage):
                rules.check_times(existing.occurred_at, row[_END])
                self._end_usage(
                    state,
                    existing,
                    row[_END],
                    revenue=row[_REVENUE],
                    cost=row[_COST],
                    condition=row[_CONDITION],
                    notes=row[_NOTES],
                )
            else:
                self._end_downtime(state, row, existing)
        except ValidationError as error:
            self._fail(row, "ended_at", error)
            return
        self.result.updated += 1

    def _set_end(self, target, end, *, revenue=None, cost=None, condition="", notes="") -> None:
        """Give an open usage or downtime its end (``_close_usage`` / ``service_end``)."""
        if isinstance(target, list):
            target[P_END] = end
            if revenue is not None:
                target[P_REVENUE] = revenue
            if cost is not None:
                target[P_COST] = cost
            if condition:
                target[P_CONDITION] = condition
            if notes:
                target[P_NOTES] = f"{target[P_NOTES] or ''}\n{notes}".strip()
            return
        closing = self.closings.setdefault(target, _Closing(ended_at=end))
        closing.ended_at = end
        if revenue is not None:
            closing.revenue = revenue
        if cost is not None:
            closing.cost = cost
        if condition:
            closing.condition = condition
        if notes:
            closing.notes = f"{closing.notes}\n{notes}".strip()

    def _end_usage(
        self, state, usage: _Usage, end, *, revenue=None, cost=None, condition="", notes=""
    ):
        rules.check_times(usage.occurred_at, end)
        self._set_end(
            usage.target, end, revenue=revenue, cost=cost, condition=condition, notes=notes
        )
        usage.ended_at = end
        state.keys[(usage.kind, usage.occurred_at, usage.reference)] = True
        if condition:
            state.condition = condition
        state.changed = True

    def _end_downtime(self, state: _ArticleState, row: tuple, entry: _Downtime) -> None:
        start = row[_AT]
        rules.check_times(start, row[_END])
        if row[_REVENUE]:
            raise ValidationError(
                {"revenue": f"A {rules.kind_label(row[_KIND])} takes no revenue."}
            )
        self._set_end(
            entry.target, row[_END], cost=row[_COST], condition=row[_CONDITION], notes=row[_NOTES]
        )
        state.downtimes.remove(entry)
        state.keys[(row[_KIND], start, row[_REFERENCE])] = True
        if row[_CONDITION]:
            state.condition = row[_CONDITION]
        still_down = any(d.status == Status.OUT_OF_USE for d in state.downtimes)
        if rules.service_end_returns_active(
            event_status=entry.status, status=state.status, still_down=still_down
        ):
            state.status = Status.ACTIVE
        state.changed = True

    # -- writing --

    def _write(self, articles: dict[str, _ArticleState]) -> None:
        touched = [state for state in self.states.values() if state.changed]
        now = timezone.now()
        # Ends first: a new usage may start after a usage that was open until now,
        # and the database's exclusion constraint checks each statement.
        self._write_closings()
        total = sum(len(state.pending) for state in touched)
        bar = self.progress(total=total, desc="Writing events", unit="rows", unit_scale=True)

        recorded_by = self.recorded_by.pk if self.recorded_by else None

        def events():
            for state in touched:
                article_id = state.article.pk
                for p in state.pending:
                    yield (
                        article_id,
                        p[P_KIND],
                        p[P_AT],
                        p[P_END],
                        p[P_DOWNTIME],
                        p[P_REVENUE] or ZERO,
                        p[P_COST] or ZERO,
                        p[P_REFERENCE],
                        p[P_CONDITION],
                        p[P_STORE],
                        p[P_STATUS],
                        p[P_NOTES],
                        recorded_by,
                        now,
                    )
                bar.update(len(state.pending))
                state.pending = []

        insert_values(Event, EVENT_FIELDS, events())
        bar.close()
        # Articles whose state moved, updated together by their new state: most
        # imports leave few distinct states (status, condition, store, disposal).
        by_state = defaultdict(list)
        for state in touched:
            article = state.article
            new = (state.status, state.condition, state.store_id, state.disposed_at)
            if new != (article.status, article.condition, article.store_id, article.disposed_at):
                by_state[new].append(article.pk)
        for (status, condition, store_id, disposed_at), ids in by_state.items():
            for chunk in _chunks(ids):
                Article.objects.filter(pk__in=chunk).update(
                    status=status,
                    condition=condition,
                    store_id=store_id,
                    disposed_at=disposed_at,
                    updated_at=now,
                )
        totals_refresh([state.article.pk for state in touched])

    def _write_closings(self) -> None:
        if not self.closings:
            return
        for chunk in _chunks(sorted(self.closings)):
            for event in Event.objects.filter(pk__in=chunk).only("notes"):
                closing = self.closings[event.pk]
                changes: dict[str, Any] = {"ended_at": closing.ended_at}
                if closing.revenue is not None:
                    changes["revenue"] = closing.revenue
                if closing.cost is not None:
                    changes["cost"] = closing.cost
                if closing.condition:
                    changes["condition"] = closing.condition
                if closing.notes:
                    changes["notes"] = f"{event.notes}\n{closing.notes}".strip()
                Event.objects.filter(pk=event.pk).update(**changes)
