"""Generated files thrown at both imports: each is imported or refused with
``ImportFailed``, never another exception, and a refused file writes nothing."""

import csv
import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from articles import services
from articles.models import EventKind
from interchange.columns import ARTICLES, EVENTS
from interchange.imports import ImportFailed, articles_import, events_import
from skus.models import SKU
from tests.interchange.import_helpers import snapshot
from tests.interchange.strategies import awkward_text, generated


def either(*values: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(values), awkward_text)


moments = st.one_of(
    st.datetimes(min_value=dt.datetime(1, 1, 2), max_value=dt.datetime(9999, 12, 30)).map(
        dt.datetime.isoformat
    ),
    st.datetimes(
        min_value=dt.datetime(1, 1, 2),
        max_value=dt.datetime(9999, 12, 30),
        timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=14))]),
    ).map(dt.datetime.isoformat),
    awkward_text,
)
amounts = st.one_of(st.decimals(places=2, allow_nan=True).map(str), awkward_text)

event_rows = st.fixed_dictionaries(
    {
        "article_number": either("B-1", "b-1", "X-9"),
        "kind": either(*EventKind.values),
        "occurred_at": moments,
        "ended_at": st.one_of(st.just(""), moments),
        "revenue": amounts,
        "cost": amounts,
        "reference": awkward_text,
        "condition": either("good", "fair"),
        "store": either("Main", "Depot"),
        "status": either("out_of_use", "active", "sold"),
        "notes": awkward_text,
        "due_at": st.one_of(st.just(""), moments),
    }
)
article_rows = st.fixed_dictionaries(
    {
        "number": either("A-1", "B-1", ""),
        "sku_code": either("CITY", "NEW"),
        "sku_name": awkward_text,
        "allocation": either("rental", "sales"),
        "status": either("active", "out_of_use"),
        "condition": either("new", "good"),
        "manufacturer": awkward_text,
        "production_year": st.one_of(st.integers(-5, 10_000).map(str), awkward_text),
        "store": either("Main", "Depot"),
        "purchased_on": st.one_of(st.dates().map(dt.date.isoformat), awkward_text),
        "purchase_price": amounts,
        "colour": awkward_text,
    }
)


class GeneratedImports(TestCase):
    @classmethod
    def setUpTestData(cls):
        sku = SKU.objects.create(code="CITY", name="City bike")
        store = services.store_get_or_create(name="Main")
        services.article_create(
            sku=sku, store=store, number="B-1", purchased_on=dt.date(2025, 1, 1)
        )

    def import_file(self, importer, columns: list[str], rows: list[dict]) -> None:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "generated.csv"
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=columns)
                writer.writeheader()
                writer.writerows(rows)
            before = snapshot()
            try:
                importer(path=path)
            except ImportFailed as failure:
                assert failure.errors
                assert snapshot() == before

    @generated
    @given(rows=st.lists(event_rows, min_size=1, max_size=4))
    def test_events_are_imported_or_refused_whole(self, rows):
        self.import_file(events_import, list(EVENTS.names), rows)

    @generated
    @given(rows=st.lists(article_rows, min_size=1, max_size=3))
    def test_articles_are_imported_or_refused_whole(self, rows):
        self.import_file(articles_import, [*ARTICLES.names, "colour"], rows)
