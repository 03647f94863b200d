"""A generated fleet of any size, for benchmarks (``manage.py generate_fleet``).

The demo fleet (``demo.fleet``) goes through the services, which is right for 250
articles and far too slow for 100,000. This generator writes the rows directly: on
PostgreSQL with COPY (the event table's indexes, foreign keys and the usages'
exclusion constraint are dropped for the load and rebuilt once after it), elsewhere
with ``bulk_create``. It keeps the ledger valid under every rule itself:

- each article's history is a row of slots between its acquisition and its end (its
  disposal, or the data's end); one slot holds one item (a usage, service work, an
  inspection, a transfer, money, a note, a stretch out of use, a loss and its finding),
  so usages never overlap and nothing happens while an article is on order, lost or
  disposed of;
- the article's final state (status, condition, store, disposal moment) is the ledger
  replayed through the kinds' own effects (``articles.kinds``), as the services and
  the events import apply them, and its stored totals are the sums over its events;
- every moment lies in the past (the data ends at ``DEFAULT_END`` unless told).

The same arguments give the same rows (a seeded ``random.Random``, no clock), and
``tests/demo/test_generate_fleet.py`` proves that recording the same events through
the services gives the same articles, totals and figures.
"""

import datetime as dt
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection, transaction
from django.db.models import Max

from articles.choices import Allocation, Condition, EventKind, Status
from articles.kinds import KINDS, PROCEEDS_KINDS, USAGE_KINDS, ArticleState, EventFacts
from articles.models import Article, Event, Store
from skus.models import SKU

DEFAULT_END = dt.datetime(2025, 6, 30, 18, 0, tzinfo=dt.UTC)
DEFAULT_EVENTS_PER_ARTICLE = 20
HISTORY_YEARS = 4.5
STORES = ("Berlin Mitte", "Hamburg Hafen", "Munich Ost", "Leipzig", "Central Warehouse")
CONDITIONS = tuple(Condition.values)
# Events every rental article gets besides its usages: acquisition, two services, an
# inspection, money and a note (on average; some get more).
OVERHEAD_EVENTS = 6

T = TypeVar("T")
Progress = Callable[[Iterable[T]], Iterable[T]]


@dataclass(frozen=True)
class Family:
    """A kind of SKU: what it costs, how it is used and for how long."""

    code: str
    name: str
    price: tuple[int, int]
    usage_days: tuple[float, float]
    subscription_share: float
    fee: tuple[int, int]
    manufacturers: tuple[str, ...]
    sizes: tuple[str, ...]


FAMILIES = (
    Family("CITY", "City bike", (450, 900), (0.2, 4), 0.1, (12, 60), ("Gazelle", "Kalkhoff"),
           ("S", "M", "L")),
    Family("EBIKE", "E-bike", (2200, 4200), (7, 31), 0.6, (40, 160), ("Riese & Mueller", "Cube"),
           ("M", "L")),
    Family("SKI", "Alpine ski", (300, 750), (1, 7), 0.0, (20, 90), ("Atomic", "Fischer"),
           ("150", "160", "170", "180")),
    Family("TENT", "Tent", (150, 600), (2, 14), 0.0, (15, 70), ("Vaude", "Nordisk"),
           ("2P", "3P", "4P")),
    Family("KAYAK", "Kayak", (600, 1600), (0.3, 3), 0.0, (25, 80), ("Prijon", "Perception"),
           ("Single", "Tandem")),
    Family("CARGO", "Cargo bike", (2800, 5500), (1, 31), 0.4, (35, 150), ("Urban Arrow", "Babboe"),
           ("Standard",)),
)  # fmt: skip


@dataclass
class Fleet:
    """What ``fleet_generate`` wrote."""

    stores: int = 0
    skus: int = 0
    articles: int = 0
    events: int = 0
    kinds: set[str] = field(default_factory=set)


@dataclass
class _Row:
    """One ledger row as generated; money in cents."""

    kind: str
    at: dt.datetime
    ended_at: dt.datetime | None = None
    due_at: dt.datetime | None = None
    downtime: bool = False
    revenue: int = 0
    cost: int = 0
    reference: str = ""
    condition: str = ""
    store_id: int | None = None
    status: str = ""
    notes: str = ""


@dataclass
class _Article:
    id: int
    number: str
    sku_id: int
    allocation: str
    store_id: int
    manufacturer: str
    model: str
    production_year: int
    serial_number: str
    purchased_on: dt.date
    price: int
    created: dt.datetime
    state: ArticleState
    usage_count: int = 0
    revenue: int = 0
    expenses: int = 0
    proceeds: int = 0


def _cents(value: int) -> Decimal:
    return Decimal(value).scaleb(-2)


def _money_text(value: int) -> str:
    sign, value = ("-", -value) if value < 0 else ("", value)
    return f"{sign}{value // 100}.{value % 100:02d}"


class FleetGenerator:
    """Makes the stores, SKUs, articles and ledger rows of one seeded fleet."""

    def __init__(self, *, articles: int, events_per_article: int, seed: int, end: dt.datetime):
        self.rng = random.Random(seed)
        self.articles = articles
        self.events_per_article = events_per_article
        self.end = end
        self.first_purchase = (end - dt.timedelta(days=round(365 * HISTORY_YEARS))).date()
        self.stores = list(enumerate(STORES, start=1))
        self.sku_count = max(len(FAMILIES), min(100, articles // 1000))
        self.skus: list[dict[str, Any]] = []
        self.sku_family: dict[int, Family] = {}
        self.sequences: dict[int, int] = {}

    # --- SKUs ---------------------------------------------------------------------

    def make_skus(self) -> list[dict[str, Any]]:
        rng = self.rng
        created = dt.datetime.combine(self.first_purchase, dt.time(8), tzinfo=dt.UTC)
        for sku_id in range(1, self.sku_count + 1):
            family = FAMILIES[(sku_id - 1) % len(FAMILIES)]
            size = family.sizes[(sku_id - 1) // len(FAMILIES) % len(family.sizes)]
            line = (sku_id - 1) // len(FAMILIES) + 1
            self.sku_family[sku_id] = family
            self.sequences[sku_id] = 0
            self.skus.append(
                {
                    "id": sku_id,
                    "code": f"{family.code}-{line:02d}",
                    "name": f"{family.name} {size}, line {line}",
                    "specifications": {"size": size, "family": family.name},
                    "depreciation_rate": rng.choice((None, None, Decimal("0.25"), Decimal("0.15"))),
                    "expected_lifetime_days": rng.choice((None, 730, 1095, 1460)),
                    "selloff_window_days": rng.choice((None, None, 180, 365)),
                    "created_at": created,
                    "updated_at": created,
                }
            )
        return self.skus

    # --- articles -----------------------------------------------------------------

    def make_article(self, article_id: int) -> tuple[_Article, list[_Row]]:
        rng = self.rng
        sku_id = rng.randint(1, self.sku_count)
        family = self.sku_family[sku_id]
        self.sequences[sku_id] += 1
        span = (self.end.date() - self.first_purchase).days - 1
        purchased_on = self.first_purchase + dt.timedelta(days=rng.randint(0, span))
        start = dt.datetime.combine(purchased_on, dt.time(8), tzinfo=dt.UTC)
        store_id = rng.randint(1, len(self.stores))
        manufacturer = rng.choice(family.manufacturers)
        year = purchased_on.year - rng.choice((0, 0, 1))
        article = _Article(
            id=article_id,
            number=f"{self.skus[sku_id - 1]['code']}-{self.sequences[sku_id]:06d}",
            sku_id=sku_id,
            allocation=Allocation.RENTAL if rng.random() < 0.95 else Allocation.SALES,
            store_id=store_id,
            manufacturer=manufacturer,
            model=f"{family.name} {rng.randint(1, 9)}00",
            production_year=year,
            serial_number=f"{manufacturer[:2].upper()}{year % 100:02d}-{article_id * 7919 % 10**7:07d}",
            purchased_on=purchased_on,
            price=rng.randint(*family.price) * 100 + rng.choice((0, 0, 50, 99)),
            created=start,
            state=ArticleState(
                status=Status.ACTIVE, condition=Condition.NEW, store_id=store_id, disposed_at=None
            ),
        )
        rows = [_Row(EventKind.ACQUISITION, start, condition=Condition.NEW, store_id=store_id)]
        rows.extend(self._history(article, family, start))
        for row in rows:
            self._apply(article, row)
        return article, rows

    def _history(self, article: _Article, family: Family, start: dt.datetime) -> list[_Row]:
        """The slots of one article's life after its acquisition, in time order."""
        rng = self.rng
        fate = rng.random()
        disposal = (
            EventKind.SALE
            if fate < 0.09
            else EventKind.RETIREMENT
            if fate < 0.13
            else EventKind.LOSS
            if fate < 0.15
            else None
        )
        end = self.end
        if disposal is not None:
            end = start + (self.end - start) * rng.uniform(0.55, 0.97)
        items: list[str] = ["service", "service", "inspection", "money", "note"]
        if article.allocation == Allocation.RENTAL:
            usages = max(1, self.events_per_article - OVERHEAD_EVENTS + rng.randint(-4, 4))
            items += ["usage"] * usages
        extras = (
            ("transfer", 0.35),
            ("adjustment", 0.06),
            ("out_of_use", 0.05),
            ("lost_found", 0.02),
            ("inspection", 0.5),
        )
        items += [item for item, chance in extras if rng.random() < chance]
        rng.shuffle(items)
        tail = None
        if disposal is not None:
            tail = "disposal"
        elif article.allocation == Allocation.RENTAL and rng.random() < 0.15:
            tail = "open_usage"
        elif rng.random() < 0.03:
            tail = "open_downtime"
        slots = len(items) + (1 if tail else 0)
        step = (end - start) / (slots + 1)
        rows: list[_Row] = []
        store_id = article.store_id
        for index, item in enumerate(items):
            begin = start + step * (index + 1) + step * rng.uniform(0, 0.25)
            length = step * rng.uniform(0.2, 0.7)
            if item == "usage":
                days = rng.uniform(*family.usage_days)
                length = min(length, dt.timedelta(days=days))
                rows.append(self._usage(article, family, begin, begin + length, index))
            elif item == "transfer":
                store_id = rng.choice([s for s, _ in self.stores if s != store_id])
                cost = rng.choice((0, 0, rng.randint(500, 4000)))
                rows.append(_Row(EventKind.TRANSFER, begin, cost=cost, store_id=store_id))
            else:
                rows.extend(self._item(item, begin, length))
        if tail == "disposal":
            assert disposal is not None
            revenue = (
                rng.randint(article.price // 10, article.price // 2) if disposal == "sale" else 0
            )
            rows.append(_Row(disposal, end, revenue=revenue, notes="End of life"))
        elif tail == "open_usage":
            at = start + step * slots + step * rng.uniform(0, 0.5)
            usage = self._usage(article, family, at, None, slots)
            rows.append(usage)
        elif tail == "open_downtime":
            at = max(start + step * slots, end - dt.timedelta(hours=rng.randint(2, 300)))
            rows.append(
                _Row(
                    rng.choice((EventKind.REPAIR, EventKind.MAINTENANCE)),
                    at,
                    downtime=True,
                    status=Status.OUT_OF_USE,
                    due_at=at + dt.timedelta(days=rng.randint(1, 20)),
                    cost=rng.randint(2000, 20000),
                    reference=f"WO-{article.id}-{slots}",
                )
            )
        return rows

    def _usage(
        self, article: _Article, family: Family, begin: dt.datetime, end: dt.datetime | None, n: int
    ) -> _Row:
        rng = self.rng
        kind = (
            EventKind.SUBSCRIPTION if rng.random() < family.subscription_share else EventKind.RENTAL
        )
        planned = (end or begin + dt.timedelta(days=family.usage_days[1])) - begin
        return _Row(
            kind,
            begin,
            ended_at=end,
            due_at=begin + planned * rng.uniform(0.8, 1.2),
            revenue=rng.randint(*family.fee) * 100 + rng.choice((0, 50)),
            reference=f"ORD-{article.id}-{n}",
            condition=rng.choice(CONDITIONS) if end is not None else "",
        )

    def _item(self, item: str, begin: dt.datetime, length: dt.timedelta) -> list[_Row]:
        rng = self.rng
        if item == "service":
            kind = rng.choice((EventKind.MAINTENANCE, EventKind.REPAIR, EventKind.CLEANING))
            with_downtime = rng.random() < 0.3
            return [
                _Row(
                    kind,
                    begin,
                    ended_at=begin + length if with_downtime else None,
                    downtime=with_downtime,
                    cost=rng.randint(500, 8000),
                    condition=rng.choice(("", "good", "like_new")),
                )
            ]
        if item == "inspection":
            return [_Row(EventKind.INSPECTION, begin, condition=rng.choice(CONDITIONS))]
        if item == "money":
            if rng.random() < 0.5:
                return [_Row(EventKind.INCOME, begin, revenue=rng.randint(500, 5000))]
            return [_Row(EventKind.EXPENSE, begin, cost=rng.randint(500, 5000))]
        if item == "adjustment":
            return [_Row(EventKind.ADJUSTMENT, begin, revenue=-rng.randint(100, 2000))]
        if item == "note":
            return [_Row(EventKind.NOTE, begin, notes="Checked accessories and labels.")]
        if item == "out_of_use":
            return [
                _Row(EventKind.STATUS_CHANGE, begin, status=Status.OUT_OF_USE, notes="Recall"),
                _Row(EventKind.STATUS_CHANGE, begin + length, status=Status.ACTIVE),
            ]
        assert item == "lost_found", item
        return [
            _Row(EventKind.LOSS, begin, notes="Not returned"),
            _Row(EventKind.STATUS_CHANGE, begin + length, status=Status.ACTIVE, notes="Found"),
        ]

    @staticmethod
    def _apply(article: _Article, row: _Row) -> None:
        """The row's effect on the article's state and its stored totals, with the
        kinds' own effect functions."""
        facts = EventFacts(
            occurred_at=row.at,
            ended_at=row.ended_at,
            downtime=row.downtime,
            condition=row.condition,
            store_id=row.store_id,
            status=row.status,
        )
        article.state = KINDS[row.kind].effect(article.state, facts)
        if row.kind in USAGE_KINDS:
            article.usage_count += 1
        if row.kind in PROCEEDS_KINDS:
            article.proceeds += row.revenue
        else:
            article.revenue += row.revenue
        article.expenses += row.cost


# --- writing ----------------------------------------------------------------------


class FleetNotEmpty(Exception):
    """The generator fills an empty fleet only."""


def fleet_generate(
    *,
    articles: int,
    events_per_article: int = DEFAULT_EVENTS_PER_ARTICLE,
    seed: int = 1,
    end: dt.datetime = DEFAULT_END,
    progress: Progress[int] | None = None,
) -> Fleet:
    """Write a generated fleet of ``articles`` articles into an empty database."""
    if Article.objects.exists() or SKU.objects.exists() or Store.objects.exists():
        raise FleetNotEmpty(
            "The database already has stores, SKUs or articles; generate_fleet fills an empty one."
        )
    generator = FleetGenerator(
        articles=articles, events_per_article=events_per_article, seed=seed, end=end
    )
    fleet = Fleet()
    with transaction.atomic():
        stores = [Store(id=pk, name=name) for pk, name in generator.stores]
        Store.objects.bulk_create(stores)
        fleet.stores = len(stores)
        skus = SKU.objects.bulk_create(SKU(**values) for values in generator.make_skus())
        fleet.skus = len(skus)
        ids = range(1, articles + 1)
        made = (generator.make_article(pk) for pk in (progress(ids) if progress else ids))
        if connection.vendor == "postgresql":
            _copy(made, fleet)
        else:
            _bulk_create(made, fleet)
        # Numbers made by the services continue after the generated ones.
        for sku in skus:
            SKU.objects.filter(pk=sku.pk).update(
                next_article_sequence=generator.sequences[sku.pk] + 1
            )
    if connection.vendor == "postgresql":
        _reset_sequences()
        # Fresh statistics, and (outside a transaction) the visibility map that lets
        # PostgreSQL answer from an index alone.
        tables = f"{Article._meta.db_table}, {Event._meta.db_table}"
        vacuum = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            cursor.execute(f"{vacuum} {tables}")
    return fleet


ARTICLE_COLUMNS = (
    "id",
    "number",
    "sku_id",
    "allocation",
    "status",
    "condition",
    "store_id",
    "manufacturer",
    "model",
    "production_year",
    "serial_number",
    "purchased_on",
    "purchase_price",
    "specifications",
    "notes",
    "disposed_at",
    "created_at",
    "updated_at",
    "total_usage_count",
    "total_revenue",
    "total_expenses",
    "total_sale_proceeds",
)
EVENT_COLUMNS = (
    "article_id",
    "kind",
    "occurred_at",
    "ended_at",
    "due_at",
    "downtime",
    "revenue",
    "cost",
    "reference",
    "condition",
    "store_id",
    "status",
    "notes",
    "recorded_at",
)


def _article_values(article: _Article) -> tuple[Any, ...]:
    state = article.state
    return (
        article.id,
        article.number,
        article.sku_id,
        article.allocation,
        state.status,
        state.condition,
        state.store_id,
        article.manufacturer,
        article.model,
        article.production_year,
        article.serial_number,
        article.purchased_on,
        _cents(article.price),
        "{}",
        "",
        state.disposed_at,
        article.created,
        article.created,
        article.usage_count,
        _cents(article.revenue),
        _cents(article.expenses),
        _cents(article.proceeds),
    )


def _event_values(article_id: int, row: _Row) -> tuple[Any, ...]:
    return (
        article_id,
        row.kind,
        row.at,
        row.ended_at,
        row.due_at,
        row.downtime,
        _cents(row.revenue),
        _cents(row.cost),
        row.reference,
        row.condition,
        row.store_id,
        row.status,
        row.notes,
        row.ended_at or row.at,
    )


def _count(fleet: Fleet, rows: list[_Row]) -> None:
    fleet.articles += 1
    fleet.events += len(rows)
    fleet.kinds.update(row.kind for row in rows)


def _bulk_create(made: Iterator[tuple[_Article, list[_Row]]], fleet: Fleet) -> None:
    batch_articles: list[Article] = []
    batch_events: list[Event] = []

    def flush() -> None:
        Article.objects.bulk_create(batch_articles)
        Event.objects.bulk_create(batch_events)
        batch_articles.clear()
        batch_events.clear()

    for article, rows in made:
        values = dict(zip(ARTICLE_COLUMNS, _article_values(article), strict=True))
        values["specifications"] = {}
        batch_articles.append(Article(**values))
        for row in rows:
            batch_events.append(
                Event(**dict(zip(EVENT_COLUMNS, _event_values(article.id, row), strict=True)))
            )
        _count(fleet, rows)
        if len(batch_events) >= 5000:
            flush()
    flush()


def _copy(made: Iterator[tuple[_Article, list[_Row]]], fleet: Fleet) -> None:
    """COPY the events as they are made, then the articles, into tables whose
    secondary indexes, foreign keys and exclusion constraint are rebuilt once after."""
    article_table = Article._meta.db_table
    event_table = Event._meta.db_table
    articles: list[tuple[Any, ...]] = []
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with _without_secondary_structures(cursor, event_table):
            columns = ", ".join(EVENT_COLUMNS)
            with raw.copy(f"COPY {event_table} ({columns}) FROM STDIN") as copy:
                for article, rows in made:
                    for row in rows:
                        copy.write_row(_event_values(article.id, row))
                    articles.append(_article_values(article))
                    _count(fleet, rows)
            columns = ", ".join(ARTICLE_COLUMNS)
            with raw.copy(f"COPY {article_table} ({columns}) FROM STDIN") as copy:
                for values in articles:
                    copy.write_row(values)


class _without_secondary_structures:
    """Drop a table's non-primary indexes, foreign keys and exclusion constraints,
    and create them again on leaving: one sort per index instead of 2,000,000
    insertions, one join per foreign key instead of a lookup per row."""

    def __init__(self, cursor: Any, table: str):
        self.cursor = cursor
        self.table = table

    def __enter__(self) -> None:
        cursor = self.cursor
        # Deferred checks still pending in this transaction would forbid the ALTERs.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'x') ORDER BY conname",
            [self.table],
        )
        self.constraints = cursor.fetchall()
        for name, _ in self.constraints:
            cursor.execute(f'ALTER TABLE {self.table} DROP CONSTRAINT "{name}"')
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass) ORDER BY indexname",
            [self.table, self.table],
        )
        self.indexes = cursor.fetchall()
        for name, _ in self.indexes:
            cursor.execute(f'DROP INDEX "{name}"')

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:
            return
        cursor = self.cursor
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _, definition in self.indexes:
            cursor.execute(definition)
        for name, definition in self.constraints:
            cursor.execute(f'ALTER TABLE {self.table} ADD CONSTRAINT "{name}" {definition}')


def _reset_sequences() -> None:
    with connection.cursor() as cursor:
        for model in (Store, SKU, Article):
            table = model._meta.db_table
            top = model.objects.aggregate(top=Max("pk"))["top"] or 1
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [table, top])
