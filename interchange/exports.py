"""Exports of ``articles.csv`` and ``events.csv`` in the formats the imports read.

Exported from one database and imported into an empty one, the two files rebuild
the same fleet and the same figures:

- ``articles.csv`` describes each article as it entered the fleet: the store,
  condition and status of its acquisition event (the entry status is on the event
  when it was not active). Everything after that (transfers, inspections, status
  changes, disposals) is in ``events.csv``. Its descriptive columns are current.
- ``events.csv`` lists every event per article in time order. An open downtime is
  written with status ``out_of_use`` (that is what opens one on import); a closed
  downtime needs no status, its ``ended_at`` says it had downtime. ``due_at`` comes
  last, where the import takes it as optional.

Both are streamed from the database in chunks, so a large ledger does not sit in
memory. Text cells are escaped with ``spreadsheet_text`` so that a spreadsheet never
runs one as a formula; the imports read them back unescaped.
"""

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils import timezone

from articles.kinds import SERVICE_KINDS
from articles.models import Article, Event, EventKind, Status
from interchange.columns import ARTICLES, EVENTS, FileColumns
from interchange.tabular import spreadsheet_text

CHUNK = 2000


def _money(value: Decimal | None) -> str:
    return "" if not value else f"{value:.2f}"


def _moment(value: dt.datetime | None) -> str:
    return "" if value is None else timezone.localtime(value).isoformat()


def _cell(columns: FileColumns, name: str, value: str) -> str:
    return value if name in columns.numeric else spreadsheet_text(value)


def articles_table() -> tuple[list[str], Iterator[list[str]]]:
    """The header and rows of ``articles.csv`` for every article, by number."""
    keys: set[str] = set()
    for specifications in Article.objects.values_list("specifications", flat=True).iterator(
        chunk_size=CHUNK
    ):
        keys.update((specifications or {}).keys())
    spec_columns = sorted(key for key in keys if key.lower() not in ARTICLES.names)
    acquisition = Event.objects.filter(article=OuterRef("pk"), kind=EventKind.ACQUISITION).order_by(
        "occurred_at", "pk"
    )
    articles = (
        Article.objects.select_related("sku", "store")
        .annotate(
            entry_store=Subquery(acquisition.values("store__name")[:1]),
            entry_condition=Subquery(acquisition.values("condition")[:1]),
            entry_status=Subquery(acquisition.values("status")[:1]),
        )
        .order_by("number")
    )

    def rows() -> Iterator[list[str]]:
        for article in articles.iterator(chunk_size=CHUNK):
            specifications = article.specifications or {}
            values = {
                "number": article.number,
                "sku_code": article.sku.code,
                "sku_name": article.sku.name,
                "allocation": article.allocation,
                "status": article.entry_status or Status.ACTIVE,
                "condition": article.entry_condition or article.condition,
                "manufacturer": article.manufacturer,
                "model": article.model,
                "production_year": ""
                if article.production_year is None
                else str(article.production_year),
                "serial_number": article.serial_number,
                "store": article.entry_store or article.store.name,
                "purchased_on": article.purchased_on.isoformat(),
                "purchase_price": f"{article.purchase_price:.2f}",
            }
            yield [
                *(_cell(ARTICLES, name, values[name]) for name in ARTICLES.names),
                *(
                    ""
                    if specifications.get(key) is None
                    else spreadsheet_text(str(specifications[key]))
                    for key in spec_columns
                ),
            ]

    header = [*ARTICLES.names, *(spreadsheet_text(key) for key in spec_columns)]
    return header, rows()


def _event_status(event: Event) -> str:
    if event.kind in SERVICE_KINDS:
        return Status.OUT_OF_USE if event.downtime and event.ended_at is None else ""
    return event.status


def events_table() -> tuple[list[str], Iterator[list[str]]]:
    """The header and rows of ``events.csv``: every event, per article in time order."""
    events = (
        Event.objects.select_related("article", "store")
        .only(
            "article__number",
            "kind",
            "occurred_at",
            "ended_at",
            "downtime",
            "revenue",
            "cost",
            "reference",
            "condition",
            "store__name",
            "status",
            "notes",
            "due_at",
        )
        .order_by("article__number", "article_id", "occurred_at", "pk")
    )

    def rows() -> Iterator[list[str]]:
        for event in events.iterator(chunk_size=CHUNK):
            values = {
                "article_number": event.article.number,
                "kind": event.kind,
                "occurred_at": _moment(event.occurred_at),
                "ended_at": _moment(event.ended_at),
                "revenue": _money(event.revenue),
                "cost": _money(event.cost),
                "reference": event.reference,
                "condition": event.condition,
                "store": event.store.name if event.store_id else "",
                "status": _event_status(event),
                "notes": event.notes,
                "due_at": _moment(event.due_at),
            }
            yield [_cell(EVENTS, name, values[name]) for name in EVENTS.names]

    return list(EVENTS.names), rows()
