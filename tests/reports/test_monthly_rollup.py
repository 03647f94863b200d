"""The kept totals of complete months (``reports.models.MonthlyRollup``) equal what the
ledger gives, after they are kept, after a backdated event, after an open usage that
ran through kept months is closed, and after an import-sized insert."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Max

from articles import services
from articles.models import Article, Event, EventKind
from demo.generated import fleet_generate
from reports.figures import fleet_monthly_totals
from reports.figures.monthly import monthly_rollup_rebuild, monthly_totals
from reports.models import MonthlyRollup

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 6, 30)
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="months are kept on PostgreSQL only"
)


@pytest.fixture
def fleet(db):
    fleet_generate(articles=40, events_per_article=10, seed=4)


def computed(months: int = 24) -> list[dict]:
    return monthly_totals(as_of=AS_OF, months=months, kept=False)


def test_the_totals_equal_the_ledgers_whether_kept_or_not(fleet):
    first = fleet_monthly_totals(as_of=AS_OF, months=24)
    assert first == computed()
    assert fleet_monthly_totals(as_of=AS_OF, months=24) == first


@postgresql_only
def test_complete_months_are_kept_and_read_back_the_same(fleet):
    fleet_monthly_totals(as_of=AS_OF, months=24)
    assert MonthlyRollup.objects.count() == 23  # every month but the last, which ends at T
    kept = fleet_monthly_totals(as_of=AS_OF, months=24)
    assert [repr(row) for row in kept] == [repr(row) for row in computed()]


@postgresql_only
def test_a_backdated_event_forgets_its_month_and_the_totals_follow(fleet):
    fleet_monthly_totals(as_of=AS_OF, months=24)
    article = Article.objects.filter(status="active").order_by("pk")[0]
    moment = dt.datetime(2024, 3, 15, 12, tzinfo=dt.UTC)
    services.money_record(
        article=article, kind=EventKind.INCOME, occurred_at=moment, revenue=Decimal("123.45")
    )
    assert MonthlyRollup.objects.count() == 22
    totals = fleet_monthly_totals(as_of=AS_OF, months=24)
    assert totals == computed()
    march = next(row for row in totals if row["month"] == dt.date(2024, 3, 1))
    assert march["revenue"] >= Decimal("123.45")


@postgresql_only
def test_closing_an_open_usage_forgets_every_month_it_ran_through(fleet):
    article = (
        Article.objects.available()
        .annotate(last=Max("events__occurred_at"))
        .order_by("last", "pk")[0]
    )
    start = article.last + dt.timedelta(hours=1)
    services.usage_start(article=article, started_at=start, revenue=Decimal("10"))
    before = fleet_monthly_totals(as_of=AS_OF, months=24)
    kept = MonthlyRollup.objects.count()
    services.usage_end(article=article, ended_at=start + dt.timedelta(days=3))
    months_after_start = MonthlyRollup.objects.filter(ends__gt=start).count()
    assert months_after_start == 0 and MonthlyRollup.objects.count() < kept
    after = fleet_monthly_totals(as_of=AS_OF, months=24)
    assert after == computed()
    assert after != before


@postgresql_only
def test_a_bulk_insert_forgets_the_months_it_reaches(fleet):
    fleet_monthly_totals(as_of=AS_OF, months=24)
    article = Article.objects.filter(status="active").order_by("pk")[0]
    Event.objects.bulk_create(
        Event(article=article, kind=EventKind.NOTE, occurred_at=moment, notes="Imported")
        for moment in (
            dt.datetime(2023, 9, 2, tzinfo=dt.UTC),
            dt.datetime(2023, 11, 2, tzinfo=dt.UTC),
        )
    )
    assert not MonthlyRollup.objects.filter(
        begins__lte=dt.datetime(2023, 11, 2, tzinfo=dt.UTC),
        ends__gt=dt.datetime(2023, 9, 2, tzinfo=dt.UTC),
    ).exists()
    assert fleet_monthly_totals(as_of=AS_OF, months=24) == computed()


@postgresql_only
def test_rebuilding_forgets_every_kept_month(fleet):
    fleet_monthly_totals(as_of=AS_OF, months=24)
    assert monthly_rollup_rebuild() == 23
    assert not MonthlyRollup.objects.exists()
    assert fleet_monthly_totals(as_of=AS_OF, months=24) == computed()


def test_months_are_not_kept_when_articles_were_bought_after_the_date(fleet):
    as_of = dt.date(2024, 1, 31)
    assert Article.objects.filter(purchased_on__gt=as_of).exists()
    totals = fleet_monthly_totals(as_of=as_of, months=12)
    assert totals == monthly_totals(as_of=as_of, months=12, kept=False)
    assert not MonthlyRollup.objects.exists()
