"""A report as of D shows the fleet as it stood at T (SPEC.md "Figures": "A report as of
D"), worked by hand on a small fleet; and as of today the state read from the ledger is
the article's stored state, on the whole demo fleet.

D = 2025-06-30, so T = 2025-07-01 00:00 UTC. The fleet (SKU ASOF, price 1000 each,
bought 2025-01-01 in store Main unless said):

- L: lost 2025-03-01, found 2025-07-10 (after T): lost and disposed at T.
- R: a repair whose downtime runs from 2025-06-20 (cost 40) to 2025-07-05, coming back
  fair, and an inspection on 2025-07-06 grading it poor: out of use and new at T.
  An expense of 30 on 2025-04-01, corrected by an adjustment of cost -5 on 2025-05-01.
- M: rented 2025-06-25 to 2025-07-01 12:00 (revenue 80, on order at T), its revenue
  corrected by an adjustment of revenue -20 on 2025-06-28, moved to North on
  2025-07-02: active and in Main at T.
- Z: bought 2025-07-15, after D: in no report.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command

from articles import services
from articles.models import Article, Store
from reports.figures import article_figures, fleet_monthly_totals, selloff_candidates, sku_figures
from reports.figures.horizon import Horizon
from reports.figures.ledger import article_rows
from reports.figures.reading import reading
from reports.figures.scope import Scope
from tests.helpers import moment
from tests.reports.handworked import article, by_key, report, sku

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def fleet():
    code = sku("ASOF")
    main = Store.objects.create(name="Main")
    north = Store.objects.create(name="North")
    lost = article(code, "L", "2025-01-01", store=main)
    services.article_report_lost(article=lost, occurred_at=moment("2025-03-01"))
    services.article_found(article=lost, occurred_at=moment("2025-07-10"))
    repaired = article(code, "R", "2025-01-01", store=main)
    services.money_record(
        article=repaired, kind="expense", cost=Decimal("30"), occurred_at=moment("2025-04-01")
    )
    services.money_record(
        article=repaired, kind="adjustment", cost=Decimal("-5"), occurred_at=moment("2025-05-01")
    )
    repair = services.service_record(
        article=repaired,
        kind="repair",
        downtime=True,
        occurred_at=moment("2025-06-20"),
        cost=Decimal("40"),
    )
    services.service_end(event=repair, ended_at=moment("2025-07-05"), condition="fair")
    services.inspection_record(article=repaired, condition="poor", occurred_at=moment("2025-07-06"))
    moved = article(code, "M", "2025-01-01", store=main)
    services.usage_start(
        article=moved,
        started_at=moment("2025-06-25"),
        ended_at=moment("2025-07-01", 12),
        revenue=Decimal("80"),
    )
    services.money_record(
        article=moved, kind="adjustment", revenue=Decimal("-20"), occurred_at=moment("2025-06-28")
    )
    services.article_transfer(article=moved, store=north, occurred_at=moment("2025-07-02"))
    article(code, "Z", "2025-07-15", store=main)
    return code


def test_articles_bought_after_the_as_of_date_are_in_no_report(fleet):
    assert sorted(by_key(report("articles"))) == ["L", "M", "R"]
    assert report("skus")[0]["articles"] == 3
    assert sorted(by_key(report("articles", as_of="2025-07-20"))) == ["L", "M", "R", "Z"]


def test_status_counts_read_the_state_at_t(fleet):
    row = report("skus")[0]
    # L lost at T (found after), R out of use (downtime open at T), M active and on
    # order (its rental ends after T).
    assert {
        name: row[name]
        for name in ("articles", "active", "out_of_use", "on_order", "lost", "disposed")
    } == {"articles": 3, "active": 1, "out_of_use": 1, "on_order": 1, "lost": 1, "disposed": 1}
    # Surplus: 1 active rental article (M) - peak 1 - 1 spare -> 0.
    assert row["surplus"] == 0
    # Today all four are active, none on order or disposed.
    today = report("skus", as_of="2025-07-20")[0]
    assert (today["active"], today["lost"], today["disposed"]) == (4, 0, 0)


def test_figures_use_the_condition_and_disposal_at_t(fleet):
    rows = by_key(report("articles"))
    # L disposed at T since its loss: E = 2025-03-01, owned 59 days, worth 0.
    assert rows["L"]["owned_days"] == "59.0000"
    assert rows["L"]["estimated_value"] == "0.00"
    # R is new at T (fair only from 2025-07-05, poor from 2025-07-06):
    # 1000 x 0.8 ^ (181 / 365) x 1.00 = 895.2477... -> 895.25 (poor would be 223.81).
    assert rows["R"]["estimated_value"] == "895.25"
    # The leading columns say which article it is: as it is now.
    assert [rows["R"][name] for name in ("store", "status", "condition")] == [
        "Main",
        "active",
        "poor",
    ]
    assert [rows["M"][name] for name in ("store", "status", "condition")] == [
        "North",
        "active",
        "new",
    ]


def test_negative_adjustments_reduce_the_sums_they_correct(fleet):
    rows = by_key(report("articles"))
    # R: expenses 30 - 5 + 40 = 65; net -65; payback -65 / 1000 = -0.065.
    assert (rows["R"]["expenses"], rows["R"]["net"]) == ("65.00", "-65.00")
    assert rows["R"]["payback_ratio"] == "-0.0650"
    # M: revenue 80 - 20 = 60; dollar_utilization 60 / 1000 = 0.06; usage 06-25 -> T = 6 days.
    assert (rows["M"]["revenue"], rows["M"]["dollar_utilization"]) == ("60.00", "0.0600")
    assert rows["M"]["usage_days"] == "6.0000"
    row = report("skus")[0]
    # revenue 60; expenses 65; net -5; revenue_per_article 60 / 3 = 20.
    assert (row["revenue"], row["expenses"], row["net"]) == ("60.00", "65.00", "-5.00")
    assert row["revenue_per_article"] == "20.00"
    may, june = fleet_monthly_totals(as_of=dt.date(2025, 6, 30), months=2)
    # May: the adjustment of cost -5. June: revenue 80 - 20, the repair's 40, 6 usage days.
    assert (may["revenue"], may["expenses"], may["net"]) == (
        Decimal("0.00"),
        Decimal("-5.00"),
        Decimal("5.00"),
    )
    assert (june["revenue"], june["expenses"], june["net"]) == (
        Decimal("60.00"),
        Decimal("40.00"),
        Decimal("20.00"),
    )
    assert june["usage_days"] == 6


def test_paid_back_on_follows_the_running_net_through_a_negative_adjustment():
    code = sku("PAY")
    item = article(code, "P", "2025-01-01", price="100.00")
    for day, kind, revenue in (
        ("2025-02-01", "income", "90"),
        ("2025-02-02", "adjustment", "-10"),
        ("2025-02-03", "income", "15"),
        ("2025-02-04", "income", "10"),
    ):
        services.money_record(
            article=item, kind=kind, revenue=Decimal(revenue), occurred_at=moment(day)
        )
    row = report("articles")[0]
    # Running net 90, 80, 95, 105: reaches 100 on 02-04 (without the -10, on 02-03).
    assert row["paid_back_on"] == "2025-02-04"
    # Revenue of the last 365 days 105 / 100.
    assert row["dollar_utilization"] == "1.0500"


def test_the_store_is_the_store_at_t(fleet):
    main, north = Store.objects.get(name="Main"), Store.objects.get(name="North")
    # M was in Main at T and moved to North after it.
    assert sku_figures(as_of=dt.date(2025, 6, 30), store=main)[0]["articles"] == 3
    assert sku_figures(as_of=dt.date(2025, 6, 30), store=north)[0]["articles"] == 0
    assert sku_figures(as_of=dt.date(2025, 7, 20), store=north)[0]["articles"] == 1
    rows = report("skus", "--store", "Main")
    assert rows[0]["articles"] == 3


def test_state_at_today_is_the_stored_state_on_the_demo_fleet(settings):
    settings.TIME_ZONE = "Europe/Vienna"
    today = dt.date(2026, 11, 26)
    call_command("seed_demo", "--articles", "40", "--today", today.isoformat(), verbosity=0)
    with reading(tune=False) as current:
        rows = article_rows(Horizon.of(today), Scope(), None, current, report="selloff")
    stored = {article.pk: article for article in Article.objects.all()}
    assert len(rows) == len(stored)
    for row in rows:
        article_now = stored[row.id]
        assert (row.status, row.condition) == (article_now.status, article_now.condition), (
            article_now.number
        )
        assert (row.disposed is None) == (article_now.disposed_at is None), article_now.number
    for store in Store.objects.all():
        counted = sum(row["articles"] for row in sku_figures(as_of=today, store=store))
        assert counted == sum(1 for a in stored.values() if a.store_id == store.pk), store.name
    assert len(article_figures(as_of=today)) == len(stored)


def test_a_downtime_ended_while_an_older_one_still_holds_leaves_the_article_out_of_use():
    """The services' rule for the end of a downtime, read back at T: it returns the
    article to active only if no other downtime that took it out of use is still open.

    SKU HOLD, article H (bought 2025-01-01, in use):
    - 06-01: a repair's downtime A opens: active -> out of use (A holds it);
    - 06-05: a manual status change to active, while A stays open;
    - 06-10: a cleaning's downtime B opens: active -> out of use (B holds it too);
    - 06-15: B ends, but A still holds it: out of use;
    - 07-05: A ends, and nothing holds it any more: active.
    """
    code = sku("HOLD")
    item = article(code, "H", "2025-01-01")
    first = services.service_record(
        article=item, kind="repair", downtime=True, occurred_at=moment("2025-06-01")
    )
    services.article_status_change(article=item, status="active", occurred_at=moment("2025-06-05"))
    second = services.service_record(
        article=item, kind="cleaning", downtime=True, occurred_at=moment("2025-06-10")
    )
    services.service_end(event=second, ended_at=moment("2025-06-15"))
    item.refresh_from_db()
    assert item.status == "out_of_use"  # what the services say, after B's end

    def counts(as_of: str) -> tuple[int, int]:
        row = report("skus", as_of=as_of)[0]
        return row["active"], row["out_of_use"]

    assert counts("2025-05-31") == (1, 0)  # before A
    assert counts("2025-06-03") == (0, 1)  # A open
    assert counts("2025-06-07") == (1, 0)  # set active, A still open
    assert counts("2025-06-12") == (0, 1)  # B open
    assert counts("2025-06-30") == (0, 1)  # B ended, A still holds it
    services.service_end(event=first, ended_at=moment("2025-07-05"))
    item.refresh_from_db()
    assert item.status == "active"
    assert counts("2025-06-30") == (0, 1)
    assert counts("2025-07-05") == (1, 0)  # A ended 07-05 00:00, before T = 07-06


def test_a_report_as_of_today_reads_the_stored_state_and_agrees_with_the_ledger(
    settings, monkeypatch
):
    """As of today T lies after every moment of the ledger, so the reports take each
    article's stored status, condition and store instead of replaying its events; the
    replay gives the same rows."""
    settings.TIME_ZONE = "Europe/Vienna"
    call_command("seed_demo", "--articles", "40", verbosity=0)
    assert Horizon.of(None).is_after_now()
    stored = (article_figures(), sku_figures(), selloff_candidates())
    monkeypatch.setattr(Horizon, "is_after_now", lambda self: False)
    assert (article_figures(), sku_figures(), selloff_candidates()) == stored
