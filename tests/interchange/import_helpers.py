"""Shared by the import and export tests: files on disk and the state of the database."""

import csv
import datetime as dt
from pathlib import Path

from articles.models import Article, Event, Store
from interchange.columns import ARTICLES, EVENTS
from skus.models import SKU

UTC = dt.UTC


def at(day: int, hour: int = 10, month: int = 5) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, tzinfo=UTC)


def write_csv(folder: Path, name: str, rows: list[dict], columns=None) -> Path:
    """A CSV file of ``rows`` (dicts) under ``columns`` (default: all the SPEC columns)."""
    if columns is None:
        columns = list(EVENTS.names if name.startswith("events") else ARTICLES.names)
        for row in rows:
            columns += [key for key in row if key not in columns]
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def event_row(number: str, kind: str, occurred_at: str, **fields) -> dict:
    return {"article_number": number, "kind": kind, "occurred_at": occurred_at, **fields}


def snapshot() -> dict:
    """Every row an import could write, as plain values."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Article, Event, Store, SKU)
    }


def ledger(prefix: str = "") -> list[tuple]:
    """The events of articles whose number starts with ``prefix``, without the prefix
    and without keys and recording times: what two ways of importing must agree on."""
    rows = Event.objects.filter(article__number__startswith=prefix).order_by(
        "article__number", "occurred_at", "pk"
    )
    return [
        (
            event.article.number.removeprefix(prefix),
            event.kind,
            event.occurred_at,
            event.ended_at,
            event.downtime,
            event.revenue,
            event.cost,
            event.reference,
            event.condition,
            event.store.name if event.store_id else "",
            event.status,
            event.notes,
        )
        for event in rows.select_related("article", "store")
    ]


def articles_state(prefix: str = "") -> list[tuple]:
    return [
        (
            article.number.removeprefix(prefix),
            article.status,
            article.condition,
            article.store.name,
            article.disposed_at,
            article.total_usage_count,
            article.total_revenue,
            article.total_expenses,
            article.total_sale_proceeds,
        )
        for article in Article.objects.filter(number__startswith=prefix)
        .select_related("store")
        .order_by("number")
    ]
