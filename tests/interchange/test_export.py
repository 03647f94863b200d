"""Exports, the round trip through an empty database, and the bulk import agreeing
with the services applied one row at a time."""

import csv
import datetime as dt
from typing import Any

import pytest
from django.core.management import call_command

from articles import services
from articles.models import Allocation, Article, Event, EventKind, Store
from interchange.imports import articles_import, events_import
from reports.figures import article_figures, sku_figures
from skus.models import SKU
from tests.helpers import delete_events
from tests.interchange.import_helpers import (
    articles_state,
    at,
    event_row,
    ledger,
    snapshot,
    write_csv,
)

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2025, 6, 30)


def build_fleet():
    """Every kind of history the services write, in time order."""
    city = SKU.objects.create(code="CITY", name="City bike")
    ski = SKU.objects.create(code="SKI", name="Touring ski")
    main = services.store_get_or_create(name="Main")
    depot = services.store_get_or_create(name="Depot")
    bought: dict[str, Any] = {"purchased_on": dt.date(2025, 1, 1), "store": main}
    one = services.article_create(sku=city, number="C-1", purchase_price="800", **bought)
    two = services.article_create(sku=city, number="C-2", purchase_price="600", **bought)
    three = services.article_create(sku=ski, number="K-1", purchase_price="300", **bought)
    four = services.article_create(
        sku=ski, number="K-2", purchase_price="300", status="out_of_use", **bought
    )
    shop = services.article_create(
        sku=city, number="S-1", allocation=Allocation.SALES, purchase_price="400", **bought
    )
    lost = services.article_create(sku=ski, number="K-3", purchase_price="250", **bought)
    services.usage_start(
        article=one, started_at=at(1), ended_at=at(3), revenue="40", reference="R1"
    )
    services.usage_start(article=one, started_at=at(4), reference="R2")
    services.usage_end(article=one, ended_at=at(6), revenue="55", condition="fair")
    repair = services.service_record(
        article=one, kind=EventKind.REPAIR, occurred_at=at(7), downtime=True, cost="10"
    )
    services.service_end(event=repair, ended_at=at(9), cost="25", condition="good")
    services.inspection_record(article=one, condition="like_new", occurred_at=at(10), cost="5")
    services.article_transfer(article=one, store=depot, occurred_at=at(11), cost="3")
    services.money_record(article=one, kind=EventKind.INCOME, revenue="12", occurred_at=at(12))
    services.note_record(article=one, notes="Bell replaced.", occurred_at=at(13))
    services.usage_start(article=two, started_at=at(1), reference="R9", revenue="20")
    services.article_sell(article=two, price="500", occurred_at=at(5))
    services.article_report_lost(article=three, occurred_at=at(2), revenue="100")
    services.article_found(article=three, occurred_at=at(3))
    services.usage_start(
        article=three, kind=EventKind.SUBSCRIPTION, started_at=at(4), ended_at=at(20), revenue="90"
    )
    services.article_retire(article=three, occurred_at=at(25), cost="20")
    services.article_status_change(article=four, status="active", occurred_at=at(2))
    services.service_record(
        article=four, kind=EventKind.MAINTENANCE, occurred_at=at(5), downtime=True, cost="7"
    )
    services.article_sell(article=shop, price="380", occurred_at=at(8))
    services.usage_start(article=lost, started_at=at(6), reference="R5")
    services.article_report_lost(article=lost, occurred_at=at(9))
    services.article_update(article=lost, data={"manufacturer": "Atomic"})


def export(tmp_path, suffix="csv"):
    articles = tmp_path / f"articles.{suffix}"
    events = tmp_path / f"events.{suffix}"
    call_command("export_articles", str(articles))
    call_command("export_events", str(events))
    return articles, events


def empty_the_database():
    delete_events(Event.objects.all())
    Article.objects.all().delete()
    Store.objects.all().delete()
    SKU.objects.all().delete()


def figures():
    return (
        {row["number"]: row for row in article_figures(as_of=AS_OF)},
        {row["sku_code"]: row for row in sku_figures(as_of=AS_OF)},
    )


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_export_and_import_into_an_empty_database_gives_the_same_figures(tmp_path, suffix):
    build_fleet()
    before_figures, before_state, before_ledger = figures(), articles_state(), ledger()
    articles, events = export(tmp_path, suffix)
    empty_the_database()

    articles_import(path=articles)
    events_import(path=events)

    assert figures() == before_figures
    assert articles_state() == before_state
    # A downtime recorded open and closed later keeps the status "out_of_use" that
    # says it took the article out of use; exported with its end it is re-imported
    # as a completed downtime, which never did. Nothing else differs.
    assert [comparable(row) for row in ledger()] == [comparable(row) for row in before_ledger]


def comparable(row: tuple) -> tuple:
    kind, ended_at, status = row[1], row[3], row[10]
    closed_service = kind in ("maintenance", "repair", "cleaning") and ended_at is not None
    return (*row[:10], "" if closed_service else status, row[11])


def test_importing_the_export_into_the_same_database_adds_nothing(tmp_path):
    build_fleet()
    articles, events = export(tmp_path)
    before = snapshot()

    articles_result = articles_import(path=articles)
    assert (articles_result.added, articles_result.updated, articles_result.notices) == (0, 0, [])
    result = events_import(path=events)

    assert (result.added, result.updated) == (0, 0)
    assert snapshot() == before


def test_events_export_writes_the_spec_columns_in_time_order(tmp_path):
    build_fleet()
    _, events = export(tmp_path)

    with events.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == [
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
        "due_at",
    ]
    first = [row for row in rows if row["article_number"] == "C-1"][:4]
    assert [(row["kind"], row["occurred_at"], row["revenue"]) for row in first] == [
        ("acquisition", "2025-01-01T00:00:00+00:00", ""),
        ("rental", "2025-05-01T10:00:00+00:00", "40.00"),
        ("rental", "2025-05-04T10:00:00+00:00", ""),
        # The revenue named at the return, kept as an event of its own.
        ("income", "2025-05-06T10:00:00+00:00", "55.00"),
    ]
    open_downtime = next(
        row for row in rows if row["article_number"] == "K-2" and row["kind"] == "maintenance"
    )
    assert (open_downtime["ended_at"], open_downtime["status"]) == ("", "out_of_use")


def test_articles_export_writes_the_entry_state_and_specifications(tmp_path):
    build_fleet()
    Article.objects.filter(number="C-1").update(specifications={"size": "M"})
    articles, _ = export(tmp_path)

    with articles.open(encoding="utf-8") as handle:
        rows = {row["number"]: row for row in csv.DictReader(handle)}
    assert (rows["C-1"]["store"], rows["C-1"]["condition"], rows["C-1"]["size"]) == (
        "Main",
        "new",
        "M",
    )
    assert rows["K-2"]["status"] == "out_of_use"
    assert rows["C-2"]["status"] == "active"
    assert rows["K-3"]["manufacturer"] == "Atomic"


def test_export_to_standard_output(capsys):
    build_fleet()

    call_command("export_articles")

    assert capsys.readouterr().out.startswith("number,sku_code,sku_name,allocation,status")


# --- the bulk import and the services agree -----------------------------------------


def mixed_rows(prefix: str) -> list[dict]:
    def row(number, kind, occurred_at, **fields):
        return event_row(f"{prefix}{number}", kind, occurred_at.isoformat(), **fields)

    return [
        row(
            1,
            "rental",
            at(1),
            ended_at=at(3).isoformat(),
            revenue="40",
            condition="good",
            reference="R1",
        ),
        row(1, "rental", at(4), reference="R2"),
        row(
            1,
            "rental",
            at(4),
            ended_at=at(6).isoformat(),
            revenue="55",
            condition="fair",
            reference="R2",
        ),
        row(1, "repair", at(7), status="out_of_use", cost="10", reference="W1"),
        row(
            1, "repair", at(7), ended_at=at(9).isoformat(), cost="25", reference="W1", notes="Done."
        ),
        row(1, "inspection", at(10), condition="good", cost="5"),
        row(1, "transfer", at(11), store="Depot", cost="3"),
        row(1, "income", at(12), revenue="12"),
        row(1, "expense", at(12, 11), cost="4"),
        row(1, "adjustment", at(13), revenue="1", cost="2"),
        row(1, "note", at(14), notes="Checked."),
        row(1, "status_change", at(15), status="out_of_use"),
        row(1, "status_change", at(16), status="active"),
        row(1, "subscription", at(17), ended_at=at(20).isoformat(), revenue="30", reference="S1"),
        row(2, "rental", at(1), reference="R9"),
        row(2, "sale", at(5), revenue="500"),
        row(3, "loss", at(2), revenue="100"),
        row(3, "status_change", at(3), status="active"),
        row(3, "cleaning", at(4), ended_at=at(5).isoformat(), cost="8", condition="like_new"),
        row(3, "retirement", at(6), cost="20"),
        row(4, "maintenance", at(2), status="out_of_use", reference="W2"),
        row(4, "maintenance", at(3), cost="7"),
        row(4, "acquisition", dt.datetime(2025, 1, 1, tzinfo=dt.UTC)),
    ]


def apply_per_row(path):
    """events.csv applied one row at a time through the services."""
    with path.open(encoding="utf-8") as handle:
        rows = list(enumerate(csv.DictReader(handle)))

    def moment(text):
        return dt.datetime.fromisoformat(text) if text else None

    rows.sort(key=lambda pair: (pair[1]["article_number"], moment(pair[1]["occurred_at"]), pair[0]))
    for _, row in rows:
        article = Article.objects.get(number=row["article_number"])
        occurred_at, ended_at = moment(row["occurred_at"]), moment(row["ended_at"])
        existing = article.events.filter(
            kind=row["kind"], occurred_at=occurred_at, reference=row["reference"]
        ).first()
        if row["kind"] == EventKind.ACQUISITION:
            continue
        if existing is not None:
            if ended_at and existing.is_open:
                if existing.is_usage:
                    services.usage_end(
                        article=article,
                        ended_at=ended_at,
                        revenue=row["revenue"] or None,
                        cost=row["cost"] or None,
                        condition=row["condition"],
                        notes=row["notes"],
                    )
                else:
                    services.service_end(
                        event=existing,
                        ended_at=ended_at,
                        cost=row["cost"] or None,
                        condition=row["condition"],
                        notes=row["notes"],
                    )
            continue
        services.event_record(
            article=article,
            kind=row["kind"],
            occurred_at=occurred_at,
            ended_at=ended_at,
            revenue=row["revenue"] or None,
            cost=row["cost"] or None,
            reference=row["reference"],
            condition=row["condition"],
            store=services.store_get_or_create(name=row["store"]) if row["store"] else None,
            status=row["status"],
            notes=row["notes"],
        )


def twin_articles(count: int) -> None:
    """Articles A-1... for the import and B-1... for the services, alike."""
    sku = SKU.objects.create(code="CITY", name="City bike")
    main = services.store_get_or_create(name="Main")
    for prefix in ("A-", "B-"):
        for index in range(1, count + 1):
            services.article_create(
                sku=sku,
                number=f"{prefix}{index}",
                store=main,
                purchased_on=dt.date(2025, 1, 1),
                purchase_price="500",
            )


def test_bulk_import_and_the_services_row_by_row_give_the_same_state(tmp_path):
    twin_articles(4)

    events_import(path=write_csv(tmp_path, "events-a.csv", mixed_rows("A-")))
    apply_per_row(write_csv(tmp_path, "events-b.csv", mixed_rows("B-")))

    assert ledger("A-") == ledger("B-")
    assert articles_state("A-") == articles_state("B-")
    # 23 rows but the acquisition, plus what closing keeps as events of their own: the
    # revenue named at R2's return, the cost and notes named at W1's end; and the four
    # acquisitions.
    assert len(ledger("A-")) == 27


def test_a_downtime_closed_without_a_grade_grades_as_the_services_do(tmp_path):
    """``service_end`` grades the article with the condition the downtime was opened
    with when the closing row gives none; the import closes it the same way, whether
    the downtime was opened in the same file or in an earlier one."""
    twin_articles(2)

    def opened(prefix):
        return [
            event_row(f"{prefix}{index}", "repair", at(2).isoformat(), **fields)
            for index, fields in (
                (1, {"status": "out_of_use", "condition": "fair", "reference": "W1"}),
                (1, {"ended_at": at(4).isoformat(), "cost": "20", "reference": "W1"}),
                (2, {"status": "out_of_use", "condition": "poor", "reference": "W2"}),
            )
        ]

    def closed(prefix):
        return [
            event_row(
                f"{prefix}2",
                "repair",
                at(2).isoformat(),
                ended_at=at(5).isoformat(),
                reference="W2",
            )
        ]

    events_import(path=write_csv(tmp_path, "events-a1.csv", opened("A-")))
    events_import(path=write_csv(tmp_path, "events-a2.csv", closed("A-")))
    apply_per_row(write_csv(tmp_path, "events-b1.csv", opened("B-")))
    apply_per_row(write_csv(tmp_path, "events-b2.csv", closed("B-")))

    assert ledger("A-") == ledger("B-")
    assert articles_state("A-") == articles_state("B-")
    assert list(
        Article.objects.filter(number__startswith="A-")
        .order_by("number")
        .values_list("status", "condition")
    ) == [("active", "fair"), ("active", "poor")]
