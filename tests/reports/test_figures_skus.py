"""Per-SKU figures (SPEC.md "Figures", per SKU), worked out by hand, edge cases first.

The installation is in UTC and the as-of date D is 2025-06-30, so T = 2025-07-01 00:00
and, with the default window W = 365 days, T - W = 2024-07-01 00:00.
"""

import datetime as dt
from decimal import Decimal

import pytest

from articles import services
from reports.figures import fleet_monthly_totals, sku_figures
from skus.models import SKU
from tests.factories import SKUFactory, StoreFactory
from tests.helpers import bought, moment

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 6, 30)
T = "2025-07-01"


def days_before_t(days: int) -> str:
    return (dt.date(2025, 7, 1) - dt.timedelta(days=days)).isoformat()


def figures_of(sku: SKU, **kwargs) -> dict:
    (row,) = sku_figures(
        as_of=kwargs.pop("as_of", AS_OF), skus=SKU.objects.filter(pk=sku.pk), **kwargs
    )
    return row


def test_a_sku_without_disposals_has_empty_medians():
    sku = SKUFactory.create(code="NEW")
    bought(sku, "N-1", "2025-06-01")
    row = figures_of(sku)
    assert row["disposed"] == 0
    assert row["median_lifetime_days"] is None
    assert row["median_uses_at_disposal"] is None
    assert row["km_median_lifetime_days"] is None


def test_a_sku_without_articles_is_listed_with_zeros():
    sku = SKUFactory.create(code="EMPTY")
    row = figures_of(sku)
    assert row["articles"] == 0
    assert row["revenue"] == Decimal("0.00")
    assert row["revenue_per_article"] is None
    assert row["mean_utilization"] is None
    assert row["replacement_price"] is None
    assert row["challenger_net_per_day"] is None
    assert row["renewal_hurdle"] is None
    assert row["surplus"] == 0


def test_sums_means_and_counts():
    sku = SKUFactory.create(code="SUM")
    one = bought(sku, "S-1", days_before_t(10), price="100.00")
    services.usage_start(
        article=one, started_at=moment("2025-06-21"), ended_at=moment("2025-06-26"), revenue="30"
    )
    two = bought(sku, "S-2", days_before_t(20), price="300.00")
    services.money_record(
        article=two, kind="expense", cost="12.50", occurred_at=moment("2025-06-15")
    )
    services.usage_start(article=two, started_at=moment("2025-06-29"), revenue="45")
    # Bought after D: in no report as of D.
    bought(sku, "S-3", "2025-07-15", price="50.00")
    row = figures_of(sku)
    assert row["articles"] == 2
    assert row["active"] == 2
    assert row["on_order"] == 1
    assert row["revenue"] == Decimal("75.00")
    assert row["expenses"] == Decimal("12.50")
    assert row["net"] == Decimal("62.50")
    assert row["purchase_total"] == Decimal("400.00")
    assert row["revenue_per_article"] == Decimal("37.5")
    # S-1: 5 of 10 days = 0.5; S-2: 2 of 20 days = 0.1; mean 0.3.
    assert row["mean_utilization"] == Decimal("0.3")


def test_medians_of_an_even_count_with_ties():
    sku = SKUFactory.create(code="MED")
    # Four articles bought 2025-01-01, retired after 10, 20, 20 and 40 days,
    # having been used 1, 2, 3 and 4 times.
    for index, (life, uses) in enumerate(((10, 1), (20, 2), (20, 3), (40, 4))):
        article = bought(sku, f"M-{index}", "2025-01-01")
        for use in range(uses):
            services.usage_start(
                article=article,
                started_at=moment("2025-01-01", use),
                ended_at=moment("2025-01-01", use) + dt.timedelta(minutes=30),
            )
        services.article_retire(
            article=article, occurred_at=moment("2025-01-01") + dt.timedelta(days=life)
        )
    row = figures_of(sku)
    assert row["disposed"] == 4
    assert row["median_lifetime_days"] == Decimal("20")  # (20 + 20) / 2
    assert row["median_uses_at_disposal"] == Decimal("2.5")  # (2 + 3) / 2
    # Nobody censored: S(10) = 3/4, S(20) = 3/4 × 1/3 = 1/4 <= 0.5.
    assert row["km_median_lifetime_days"] == Decimal("20")


def test_kaplan_meier_with_censored_articles():
    sku = SKUFactory.create(code="KM")
    # Lifetimes in days: 10 (retired), 15 (censored: still owned at T), 20 (retired),
    # 30 (sold), 40 (censored).
    for number, life, disposed in (
        ("K-1", 10, True),
        ("K-2", 15, False),
        ("K-3", 20, True),
        ("K-4", 30, True),
        ("K-5", 40, False),
    ):
        purchased = days_before_t(life if not disposed else 100)
        article = bought(sku, number, purchased)
        if disposed:
            services.article_sell(
                article=article,
                price="1",
                occurred_at=moment(purchased) + dt.timedelta(days=life),
            )
    row = figures_of(sku)
    # t=10: n=5, d=1, S = 4/5; t=20: n=3 (20, 30, 40), S = 4/5 × 2/3 = 8/15 > 0.5;
    # t=30: n=2, S = 8/15 × 1/2 = 4/15 <= 0.5: the median is 30 days.
    assert row["km_median_lifetime_days"] == Decimal("30")
    # The plain median over the disposed ones only: 10, 20, 30 → 20.
    assert row["median_lifetime_days"] == Decimal("20")


def test_kaplan_meier_median_at_exactly_one_half():
    sku = SKUFactory.create(code="HALF")
    gone = bought(sku, "H-1", days_before_t(100))
    services.article_retire(
        article=gone, occurred_at=moment(days_before_t(100)) + dt.timedelta(days=10)
    )
    bought(sku, "H-2", days_before_t(20))
    # t=10: n=2, d=1, S = 1/2 <= 0.5.
    assert figures_of(sku)["km_median_lifetime_days"] == Decimal("10")


def test_kaplan_meier_is_empty_when_survival_stays_above_one_half():
    sku = SKUFactory.create(code="LONG")
    gone = bought(sku, "L-1", days_before_t(100))
    services.article_retire(
        article=gone, occurred_at=moment(days_before_t(100)) + dt.timedelta(days=10)
    )
    for index in range(2):
        bought(sku, f"L-{index + 2}", days_before_t(50))
    # t=10: n=3, S = 2/3; no later disposal.
    assert figures_of(sku)["km_median_lifetime_days"] is None
    assert figures_of(sku)["median_lifetime_days"] == Decimal("10")


def test_disposed_is_read_from_the_ledger_at_t():
    sku = SKUFactory.create(code="LED")
    later = bought(sku, "D-1", "2025-01-01")
    services.article_sell(article=later, price="5", occurred_at=moment("2025-07-10"))
    found = bought(sku, "D-2", "2025-01-01")
    services.article_report_lost(article=found, occurred_at=moment("2025-03-01"))
    services.article_found(article=found, occurred_at=moment("2025-03-05"))
    row = figures_of(sku)
    assert row["sold"] == 0  # sold after T
    assert row["disposed"] == 0
    assert figures_of(sku, as_of=dt.date(2025, 3, 2))["disposed"] == 1


def test_peak_on_order_when_one_usage_ends_as_another_begins():
    sku = SKUFactory.create(code="PEAK")
    a, b, c, _ = (bought(sku, f"P-{n}", "2024-01-01") for n in range(4))
    services.usage_start(article=a, started_at=moment("2025-06-01"), ended_at=moment("2025-06-10"))
    services.usage_start(article=b, started_at=moment("2025-06-10"), ended_at=moment("2025-06-20"))
    row = figures_of(sku)
    # A's usage ends at the instant B's begins (half-open): never two at once.
    assert row["peak_on_order"] == 1
    # 4 active rental articles - 1 - 1 spare.
    assert row["surplus"] == 2
    services.usage_start(article=c, started_at=moment("2025-06-15"))
    assert figures_of(sku)["peak_on_order"] == 2
    assert figures_of(sku)["surplus"] == 1


def test_peak_on_order_counts_usages_open_when_the_window_begins():
    sku = SKUFactory.create(code="LONGRUN", selloff_window_days=30)
    a, b = bought(sku, "R-1", "2024-01-01"), bought(sku, "R-2", "2024-01-01")
    # Open since before T - 30 days, and another inside the window.
    services.usage_start(article=a, started_at=moment("2025-04-01"))
    services.usage_start(article=b, started_at=moment("2025-06-20"), ended_at=moment("2025-06-21"))
    assert figures_of(sku)["peak_on_order"] == 2
    # Over a 5-day window [26 June, 1 July) only the open one is on order.
    assert figures_of(sku, window_days=5)["peak_on_order"] == 1


def test_peak_ignores_usages_ended_before_the_window():
    sku = SKUFactory.create(code="OLDUSE")
    article = bought(sku, "O-1", "2023-01-01")
    services.usage_start(
        article=article, started_at=moment("2024-06-01"), ended_at=moment("2024-07-01")
    )
    # It ends exactly at T - W = 2024-07-01: on order at no instant of the window.
    assert figures_of(sku)["peak_on_order"] == 0


def test_surplus_counts_only_active_rental_articles():
    sku = SKUFactory.create(code="SURP")
    for n in range(3):
        bought(sku, f"U-{n}", "2024-01-01")
    bought(sku, "U-sales", "2024-01-01", allocation="sales")
    bought(sku, "U-out", "2024-01-01", status="out_of_use")
    assert figures_of(sku)["surplus"] == 2  # 3 - 0 - 1


def test_replacement_price_is_the_latest_purchase_and_the_highest_that_day():
    sku = SKUFactory.create(code="REP")
    bought(sku, "R-1", "2025-01-01", price="900.00")
    bought(sku, "R-2", "2025-03-01", price="950.00")
    bought(sku, "R-3", "2025-03-01", price="980.00")
    bought(sku, "R-4", "2025-08-01", price="2000.00")  # bought after D
    row = figures_of(sku)
    assert row["replacement_price"] == Decimal("980.00")
    assert row["renewal_hurdle"] == Decimal("98.00")  # 10 %


def test_sku_settings_override_replacement_price_and_hurdle():
    sku = SKUFactory.create(code="SET", replacement_price=Decimal("1234.56"))
    bought(sku, "S-1", "2025-01-01", price="900.00")
    row = figures_of(sku)
    assert row["replacement_price"] == Decimal("1234.56")
    assert row["renewal_hurdle"] == Decimal("123.46")  # 123.456 rounded half up
    sku.renewal_hurdle = Decimal("50.00")
    sku.save()
    assert figures_of(sku)["renewal_hurdle"] == Decimal("50.00")


def test_challenger_net_per_day_is_the_median_first_window_net_per_day_of_use():
    sku = SKUFactory.create(code="CH", replacement_price=Decimal("1000.00"))
    # Two rental articles owned at least a year; their first windows [P, P + 365 days).
    first = bought(sku, "C-1", "2023-01-01")  # first window [2023-01-01, 2024-01-01)
    services.usage_start(
        article=first, started_at=moment("2023-06-01"), ended_at=moment("2023-06-04"), revenue="300"
    )
    # Crosses P + W: its revenue (at its start) counts, its days only up to 2024-01-01.
    services.usage_start(
        article=first, started_at=moment("2023-12-31"), ended_at=moment("2024-01-03"), revenue="100"
    )
    services.money_record(
        article=first, kind="income", revenue="999", occurred_at=moment("2024-01-01")
    )
    second = bought(sku, "C-2", "2024-01-01")  # first window [2024-01-01, 2024-12-31)
    services.usage_start(
        article=second,
        started_at=moment("2024-02-01"),
        ended_at=moment("2024-02-06"),
        revenue="1100",
    )
    services.money_record(
        article=second, kind="expense", cost="100", occurred_at=moment("2024-12-30")
    )
    services.article_sell(article=second, price="700", occurred_at=moment("2025-02-01"))
    # Owned less than a year, and a sales article: neither qualifies.
    young = bought(sku, "C-3", "2025-01-01")
    services.usage_start(
        article=young,
        started_at=moment("2025-02-01"),
        ended_at=moment("2025-02-02"),
        revenue="5000",
    )
    shop = bought(sku, "C-4", "2023-01-01", allocation="sales")
    services.money_record(
        article=shop, kind="income", revenue="5000", occurred_at=moment("2023-02-01")
    )
    # C-1: (300 + 100) / (3 + 1) days = 100 (the 999 falls on 2024-01-01 = P + 365 days,
    # outside, and so do the rental's last two days); C-2: (1100 - 100) / 5 days = 200.
    # median(100, 200) = 150.
    assert figures_of(sku)["challenger_net_per_day"] == Decimal("150")


def test_store_limits_the_articles_counted():
    sku = SKUFactory.create(code="ST")
    here, there = StoreFactory.create(name="Here"), StoreFactory.create(name="There")
    bought(sku, "H-1", "2025-01-01", store=here, price="10")
    bought(sku, "H-2", "2025-01-01", store=there, price="20")
    (row,) = sku_figures(as_of=AS_OF, store=here)
    assert row["articles"] == 1
    assert row["purchase_total"] == Decimal("10.00")


def test_sku_figures_query_count_does_not_grow(django_assert_max_num_queries):
    store = StoreFactory.create()
    for code in ("A", "B"):
        sku = SKUFactory.create(code=code)
        for index in range(12):
            article = bought(sku, f"{code}-{index}", "2024-01-01", store=store)
            services.usage_start(
                article=article, started_at=moment("2025-02-01"), ended_at=moment("2025-02-03")
            )
    # SKUs, articles, peaks, prices; on PostgreSQL also the report transaction's
    # savepoint, SET LOCAL and release.
    with django_assert_max_num_queries(7):
        rows = sku_figures(as_of=AS_OF)
    assert [row["articles"] for row in rows] == [12, 12]
    assert [row["peak_on_order"] for row in rows] == [12, 12]


def test_fleet_monthly_totals_split_money_and_usage_by_month():
    sku = SKUFactory.create(code="FLEET")
    article = bought(sku, "F-1", "2025-01-01", price="100.00")
    # 30 April 12:00 → 2 May 00:00: 0.5 day in April, 1 day in May.
    services.usage_start(
        article=article,
        started_at=moment("2025-04-30", 12),
        ended_at=moment("2025-05-02"),
        revenue="20",
    )
    services.money_record(
        article=article, kind="expense", cost="5", occurred_at=moment("2025-05-31", 23)
    )
    # Open from 29 June: 2 days up to T.
    services.usage_start(article=article, started_at=moment("2025-06-29"), revenue="8")
    services.article_sell(
        article=bought(sku, "F-2", "2025-01-01"), price="50", occurred_at=moment("2025-06-01")
    )
    rows = fleet_monthly_totals(as_of=AS_OF, months=3)
    assert [row["month"] for row in rows] == [
        dt.date(2025, 4, 1),
        dt.date(2025, 5, 1),
        dt.date(2025, 6, 1),
    ]
    april, may, june = rows
    assert (april["revenue"], april["usage_days"]) == (Decimal("20.00"), Decimal("0.5"))
    assert (may["expenses"], may["net"], may["usage_days"]) == (
        Decimal("5.00"),
        Decimal("-5.00"),
        Decimal("1"),
    )
    # The sale's price is not revenue.
    assert (june["revenue"], june["usage_days"]) == (Decimal("8.00"), Decimal("2"))


def test_fleet_months_follow_the_installations_time_zone(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    article = bought(SKUFactory.create(code="TZ"), "Z-1", "2025-01-01", price="100.00")
    # 1 June 00:30 in Berlin is 31 May 22:30 UTC: it belongs to June.
    services.money_record(
        article=article,
        kind="income",
        revenue="7",
        occurred_at=moment("2025-06-01", 0) + dt.timedelta(minutes=30),
    )
    may, june = fleet_monthly_totals(as_of=AS_OF, months=2)
    assert (may["revenue"], june["revenue"]) == (Decimal("0.00"), Decimal("7.00"))


def test_a_sku_window_beyond_a_century_reads_as_a_century():
    sku = SKUFactory.create(code="FOREVER", selloff_window_days=10_000_000)
    article = bought(sku, "F-1", "2000-01-01")
    services.usage_start(
        article=article, started_at=moment("1990-01-01"), ended_at=moment("2001-01-01")
    )
    # The window [T - 36,500 days, T) begins in 1925: the old usage is in it.
    assert figures_of(sku)["peak_on_order"] == 1
