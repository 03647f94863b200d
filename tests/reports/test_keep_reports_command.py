"""``manage.py keep_reports``: the day's kept figures made before the staff ask for them,
equal to what the reports compute; a second run only reads; a lock that never comes is
a clear failure with nothing kept; SQLite keeps nothing."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.utils import timezone

from demo.generated import fleet_generate
from reports.figures import (
    fleet_monthly_totals,
    kept_selloff,
    kept_sku_figures,
    selloff,
    sku_figures,
)
from reports.figures import kept as kept_module
from reports.figures.monthly import monthly_totals
from reports.management.commands import keep_reports
from reports.models import KeptCandidate, KeptSkuReport, MonthlyRollup
from skus.models import SKU

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="kept on PostgreSQL only"
)


def keep() -> str:
    out = io.StringIO()
    call_command("keep_reports", stdout=out)
    return out.getvalue()


@pytest.fixture
def fleet():
    """A generated fleet whose ledger ends yesterday and began over a year ago."""
    end = timezone.now().replace(microsecond=0) - dt.timedelta(days=1)
    fleet_generate(articles=30, events_per_article=6, seed=11, end=end)


@on_postgresql
def test_it_keeps_both_reports_of_every_sku_and_the_overviews_months(fleet):
    said = keep()
    assert said.count("done in") == 3
    assert "Keeping the sell-off as of" in said
    for report in KeptSkuReport.Report:
        kept = KeptSkuReport.objects.filter(report=report, as_of=timezone.localdate())
        assert set(kept.values_list("sku_id", flat=True)) == set(
            SKU.objects.values_list("pk", flat=True)
        )
    assert MonthlyRollup.objects.exists()
    # What was kept is what the reports compute.
    assert repr(kept_sku_figures()) == repr(sku_figures())
    assert repr(kept_selloff()) == repr(selloff())
    assert fleet_monthly_totals() == monthly_totals(as_of=None, months=24, kept=False)


@on_postgresql
def test_quiet_it_says_nothing(fleet):
    out = io.StringIO()
    call_command("keep_reports", verbosity=0, stdout=out)
    assert out.getvalue() == ""
    assert KeptSkuReport.objects.exists()


@on_postgresql
def test_a_second_run_leaves_what_is_kept(fleet):
    keep()
    first = dict(KeptSkuReport.objects.values_list("pk", "computed_at"))
    candidates = KeptCandidate.objects.count()
    keep()
    assert dict(KeptSkuReport.objects.values_list("pk", "computed_at")) == first
    assert KeptCandidate.objects.count() == candidates


@on_postgresql
def test_when_writes_hold_the_ledger_at_every_try_it_fails_and_keeps_nothing(fleet, monkeypatch):
    monkeypatch.setattr(kept_module, "_locked", lambda *, outermost: False)
    monkeypatch.setattr(keep_reports, "PAUSE", 0)
    with pytest.raises(CommandError) as refused:
        keep()
    count = SKU.objects.count()
    assert str(refused.value) == (
        f"The SKU report: {count} SKUs could not be kept, as writes to the ledger held it "
        f"at each of {keep_reports.TRIES} tries; run the command again."
    )
    assert not KeptSkuReport.objects.exists()


@pytest.mark.skipif(connection.vendor == "postgresql", reason="SQLite keeps nothing")
def test_on_sqlite_there_is_nothing_to_keep(fleet):
    assert keep() == "Nothing to keep: reports are kept on PostgreSQL only.\n"
    assert not KeptSkuReport.objects.exists()
