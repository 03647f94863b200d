"""Exported cells a spreadsheet would run as formulas are written as text, and the
imports read them back, so a round trip still changes nothing."""

import csv
import datetime as dt
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from articles import services
from articles.models import Article, Event, EventKind
from interchange.imports import articles_import, events_import
from interchange.tabular import read_spreadsheet_text, spreadsheet_text
from reports.formatting import render_csv
from skus.models import SKU
from tests.helpers import delete_events
from tests.interchange.import_helpers import articles_state, at, ledger, snapshot

NOTE = '=HYPERLINK("http://example.com/x","Click")'


@pytest.mark.parametrize("text", ["=1+1", "+1", "-Depot", "@SUM(A1)", "\tx", "\rx", "'=x", "''-x"])
def test_escaping_adds_a_quote_that_reading_removes(text):
    escaped = spreadsheet_text(text)

    assert escaped == "'" + text
    assert read_spreadsheet_text(escaped) == text


@pytest.mark.parametrize("text", ["", "Depot", "a=b", "'plain", "12.50"])
def test_harmless_text_is_written_as_it_is(text):
    assert spreadsheet_text(text) == text
    assert read_spreadsheet_text(text) == text


def build_fleet():
    sku = SKU.objects.create(code="CITY", name="City bike")
    depot = services.store_get_or_create(name="-Depot")
    article = services.article_create(
        sku=sku,
        number="C-1",
        purchase_price="800",
        purchased_on=dt.date(2025, 1, 1),
        store=depot,
        specifications={"colour": "@red", "=key": "+1"},
    )
    services.note_record(article=article, notes=NOTE, occurred_at=at(2))
    services.money_record(
        article=article, kind=EventKind.ADJUSTMENT, revenue="-15.00", occurred_at=at(3)
    )


def export(tmp_path, suffix):
    articles, events = tmp_path / f"articles.{suffix}", tmp_path / f"events.{suffix}"
    call_command("export_articles", str(articles))
    call_command("export_events", str(events))
    return articles, events


@pytest.mark.django_db
def test_csv_export_escapes_text_and_keeps_negative_numbers(tmp_path):
    build_fleet()
    articles, events = export(tmp_path, "csv")

    with events.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["notes"] for row in rows} >= {"'" + NOTE}
    assert {row["store"] for row in rows} >= {"'-Depot"}
    assert "-15.00" in {row["revenue"] for row in rows}
    with articles.open(encoding="utf-8") as handle:
        (article,) = list(csv.DictReader(handle))
    assert (article["store"], article["colour"], article["'=key"]) == ("'-Depot", "'@red", "'+1")


@pytest.mark.django_db
def test_xlsx_export_writes_strings_never_formulas(tmp_path):
    build_fleet()
    _, events = export(tmp_path, "xlsx")

    sheet = openpyxl.load_workbook(events).active
    assert sheet is not None
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert all(cell.data_type == "s" for cell in cells)
    assert "'" + NOTE in {cell.value for cell in cells}


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_round_trip_into_the_same_database_changes_nothing(tmp_path, suffix):
    build_fleet()
    articles, events = export(tmp_path, suffix)
    before = snapshot()

    articles_import(path=articles)
    events_import(path=events)

    assert snapshot() == before


@pytest.mark.django_db
@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_round_trip_into_an_empty_database_restores_the_text(tmp_path, suffix):
    build_fleet()
    before_state, before_ledger = articles_state(), ledger()
    articles, events = export(tmp_path, suffix)
    delete_events(Event.objects.all())
    Article.objects.all().delete()

    articles_import(path=articles)
    events_import(path=events)

    assert articles_state() == before_state
    assert ledger() == before_ledger
    assert Event.objects.get(kind=EventKind.NOTE).notes == NOTE
    assert Event.objects.get(kind=EventKind.ADJUSTMENT).revenue == Decimal("-15.00")
    assert Article.objects.get().specifications == {"colour": "@red", "=key": "+1"}


def test_report_csv_escapes_text_but_not_negative_figures():
    text = render_csv(
        ["number", "store", "net"], [{"number": "=1+1", "store": "-Depot", "net": Decimal("-3")}]
    )

    assert text.splitlines()[1] == "'=1+1,'-Depot,-3.00"
