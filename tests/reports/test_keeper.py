"""After a write commits, the keeper's thread makes again the kept report rows the
database forgot (``reports/keeper.py``), so that the next report reads them; it leaves
a whole fleet's worth to the next report. PostgreSQL only: SQLite keeps nothing."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from articles import services
from articles.models import Article, EventKind, Status
from demo.generated import fleet_generate
from reports.figures import kept as kept_module
from reports.figures import (
    kept_reports_forget,
    kept_selloff,
    kept_selloff_listing,
    kept_sku_figures,
    selloff,
    sku_figures,
)
from reports.keeper import MOST_MISSING, keeper
from reports.models import KeptSkuReport
from skus.models import SKU
from tests.factories import SKUFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="kept on PostgreSQL only"),
    # The keeper writes from its own thread, after a commit: the test commits.
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def kept_fleet():
    """A generated fleet whose ledger ends yesterday, with MOST_MISSING SKUs more
    without articles, both reports kept for today."""
    end = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
    fleet_generate(articles=40, events_per_article=6, seed=7, end=end)
    SKUFactory.create_batch(MOST_MISSING)
    kept_sku_figures()
    kept_selloff()


def kept(report: str) -> set[int]:
    return set(KeptSkuReport.objects.filter(report=report).values_list("sku_id", flat=True))


def an_article() -> Article:
    return Article.objects.filter(status=Status.ACTIVE, sku__isnull=False).order_by("pk")[0]


def record_a_note() -> Article:
    article = an_article()
    services.event_record(
        article=article,
        kind=EventKind.NOTE,
        occurred_at=timezone.now() - dt.timedelta(minutes=5),
        notes="Scratched frame",
    )
    return article


def test_a_recording_forgets_its_sku_and_the_keeper_keeps_it_again(kept_fleet, settings):
    settings.KEEP_REPORTS_AFTER_WRITES = True
    every = set(SKU.objects.values_list("pk", flat=True))
    before = KeptSkuReport.objects.get(report="selloff", sku=an_article().sku_id).computed_at
    record_a_note()

    assert keeper.wait_until_idle(60)
    assert kept("skus") == kept("selloff") == every
    again = KeptSkuReport.objects.filter(report="selloff", computed_at__gt=before)
    assert again.count() == 1  # its SKU's, made again; the others were left as they were
    assert repr(kept_sku_figures()) == repr(sku_figures())
    assert repr(kept_selloff()) == repr(selloff())


def test_without_the_setting_the_forgotten_sku_waits_for_the_next_report(kept_fleet):
    article = record_a_note()
    assert keeper.wait_until_idle(60)
    assert article.sku_id not in kept("skus") | kept("selloff")


def test_a_whole_fleet_forgotten_is_left_to_the_next_report(kept_fleet, settings):
    kept_reports_forget()
    settings.KEEP_REPORTS_AFTER_WRITES = True
    assert SKU.objects.count() > MOST_MISSING
    record_a_note()
    assert keeper.wait_until_idle(60)
    assert not KeptSkuReport.objects.exists()


def test_a_report_right_after_a_recording_waits_for_the_keeper(kept_fleet, settings, monkeypatch):
    """It reads the rows the keeper makes instead of computing them itself."""
    settings.KEEP_REPORTS_AFTER_WRITES = True

    def not_computed(*args, **kwargs):
        raise AssertionError("the report computed what the keeper was making")

    monkeypatch.setattr(kept_module, "_computed", not_computed)
    record_a_note()
    listing = kept_selloff_listing()
    assert isinstance(listing.candidates, QuerySet)
    assert repr(kept_sku_figures()) == repr(sku_figures())
    assert keeper.wait_until_idle(60)


def test_before_the_days_first_report_nothing_is_made_in_advance(settings):
    """Also for a fleet of fewer SKUs than the keeper makes again: a fleet being
    loaded is not computed after each of its writes."""
    settings.KEEP_REPORTS_AFTER_WRITES = True
    end = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
    fleet_generate(articles=12, events_per_article=4, seed=3, end=end)
    assert SKU.objects.count() <= MOST_MISSING
    record_a_note()
    assert keeper.wait_until_idle(60)
    assert not KeptSkuReport.objects.exists()
