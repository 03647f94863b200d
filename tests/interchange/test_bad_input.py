"""Input that once crashed an import is refused with a clear message, and nothing is
written: a superscript digit, a NUL character, a moment outside the calendar in UTC,
a database error in the middle of the bulk insert."""

import datetime as dt

import pytest
from django.db import connection

from articles import services
from articles.models import Article
from interchange.imports import ImportFailed, articles_file, articles_import, events_import
from skus.models import SKU
from tests.interchange.import_helpers import event_row, snapshot, write_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def bike(db):
    sku = SKU.objects.create(code="CITY", name="City bike")
    store = services.store_get_or_create(name="Main")
    return services.article_create(
        sku=sku, store=store, number="B-1", purchased_on=dt.date(2025, 1, 1), purchase_price="800"
    )


def article_row(**fields) -> dict:
    return {
        "number": "A-1",
        "sku_code": "CITY",
        "store": "Main",
        "purchased_on": "2025-01-01",
        **fields,
    }


def refusal(importer, path) -> list[str]:
    before = snapshot()
    with pytest.raises(ImportFailed) as failure:
        importer(path=path)
    assert snapshot() == before
    return [str(error) for error in failure.value.errors]


@pytest.mark.parametrize("year", ["²", "٢٠٢٠"])
def test_a_year_in_digits_that_are_not_ascii_is_refused(tmp_path, bike, year):
    path = write_csv(tmp_path, "articles.csv", [article_row(production_year=year)])

    assert refusal(articles_import, path) == [
        f"line 2, column production_year: {year!r} is not a year."
    ]


@pytest.mark.parametrize(
    ("column", "moment"),
    [
        ("occurred_at", "0001-01-01T00:00+01:00"),
        ("occurred_at", "9999-12-31T23:00-05:00"),
        ("due_at", "0001-01-01T00:00+01:00"),
    ],
)
def test_a_moment_outside_the_calendar_in_utc_is_refused(tmp_path, bike, column, moment):
    row = {**event_row("B-1", "note", "2025-05-02"), column: moment}
    path = write_csv(tmp_path, "events.csv", [row])

    assert refusal(events_import, path) == [
        f"line 2, column {column}: {moment} is too far in the past or the future."
    ]


def test_a_nul_character_in_a_cell_is_refused(tmp_path, bike):
    # Far enough into the file that the first look at it (is it binary?) misses it.
    rows = [event_row("B-1", "note", f"2025-05-02T10:{minute:02}") for minute in range(60)] * 4
    rows += [event_row("B-1", "note", "2025-05-03", notes="a\x00b")] * 50
    path = write_csv(tmp_path, "events.csv", rows)
    assert path.read_bytes().index(b"\x00") > 4096

    assert refusal(events_import, path) == [
        "line 242: This row contains a NUL character (binary data); remove it."
    ]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY is PostgreSQL's")
def test_a_database_error_during_copy_is_a_plain_refusal(tmp_path, bike, monkeypatch):
    """Another session adding the same article between the check and the insert."""
    original = articles_file.insert_rows

    def racing(model, objects, **options):
        if model is Article:
            Article.objects.create(
                number="A-1", sku=bike.sku, store=bike.store, purchased_on=dt.date(2025, 1, 1)
            )
        return original(model, objects, **options)

    monkeypatch.setattr(articles_file, "insert_rows", racing)
    path = write_csv(tmp_path, "articles.csv", [article_row()])

    (message,) = refusal(articles_import, path)

    assert message.startswith("The database refused the import, probably because the same ")
    assert "Nothing was written; import the file again." in message
    assert "Traceback" not in message and "psycopg" not in message
