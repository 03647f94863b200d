"""Per-SKU figures of SPEC.md "Figures", worked out by hand and read back through
``manage.py report skus --format json``.

The installation is in UTC and the report is as of D = 2025-06-30, so T = 2025-07-01
00:00. Articles bought on 2025-01-01 have owned 181 days by T (31 + 28 + 31 + 30 + 31 +
30) unless disposed earlier.
"""

import pytest

from articles import services
from tests.factories import StoreFactory
from tests.helpers import moment
from tests.reports.handworked import article, by_key, income, rental, report, sku

pytestmark = pytest.mark.django_db


def figures(code: str, *args: str) -> dict:
    return by_key(report("skus", *args), key="sku_code")[code]


def test_counts_use_the_status_at_t_and_on_order_reads_the_ledger_at_t():
    fleet = sku("CNT")
    article(fleet, "C01", "2025-01-01")  # active, in stock
    rental(article(fleet, "C02", "2025-01-01"), moment("2025-06-25"), None)  # open at T
    # ends after T: on order at T
    rental(article(fleet, "C03", "2025-01-01"), moment("2025-06-20"), moment("2025-07-05"))
    # ends exactly at T: not on order at T (a usage is open while ended_at > T)
    rental(article(fleet, "C04", "2025-01-01"), moment("2025-06-20"), moment("2025-07-01"))
    c05 = article(fleet, "C05", "2025-01-01")
    rental(c05, moment("2025-06-26"), None)
    # out of use while on order: open at T but not active, so not counted as on order
    services.article_status_change(
        article=c05, status="out_of_use", occurred_at=moment("2025-06-27")
    )
    services.article_report_lost(
        article=article(fleet, "C06", "2025-01-01"), occurred_at=moment("2025-06-10")
    )
    services.article_sell(
        article=article(fleet, "C07", "2025-01-01"), price="100", occurred_at=moment("2025-06-12")
    )
    services.article_retire(
        article=article(fleet, "C08", "2025-01-01"), occurred_at=moment("2025-06-14")
    )
    # sold after T: active at T (though sold now), and not disposed by T
    services.article_sell(
        article=article(fleet, "C09", "2025-01-01"), price="100", occurred_at=moment("2025-07-10")
    )
    rental(article(fleet, "C10", "2025-01-01"), moment("2025-07-02"), None)  # starts after T

    row = figures("CNT")
    assert {key: row[key] for key in ["articles", "active", "out_of_use", "lost", "sold"]} == {
        "articles": 10,
        "active": 6,  # C01, C02, C03, C04, C10, C09 (sold after T)
        "out_of_use": 1,  # C05
        "lost": 1,  # C06
        "sold": 1,  # C07 (C09 is sold after T)
    }
    assert row["retired"] == 1  # C08
    assert row["on_order"] == 2  # C02, C03
    assert row["disposed"] == 3  # C06, C07, C08 (C09 is sold after T)


def test_money_sums_and_mean_utilization_over_articles_owned_a_while():
    fleet = sku("SUM")
    m1 = article(fleet, "M1", "2025-06-01", price="1000.00")
    rental(m1, moment("2025-06-01"), moment("2025-06-16"), revenue="150")
    services.service_record(article=m1, kind="repair", occurred_at=moment("2025-06-20"), cost="30")
    m2 = article(fleet, "M2", "2025-06-21", price="500.00")
    rental(m2, moment("2025-06-21"), moment("2025-06-23"), revenue="40")
    m3 = article(fleet, "M3", "2025-06-30", price="300.00")
    # sold at P: owned_days 0, so left out of mean_utilization
    services.article_sell(article=m3, price="300", occurred_at=moment("2025-06-30"))

    row = figures("SUM")
    assert row["articles"] == 3
    # 150 + 40 (M3's sale is not revenue)
    assert row["revenue"] == "190.00"
    assert row["expenses"] == "30.00"
    # 190 - 30
    assert row["net"] == "160.00"
    # 1000 + 500 + 300
    assert row["purchase_total"] == "1800.00"
    # 190 / 3 = 63.333... -> 63.33
    assert row["revenue_per_article"] == "63.33"
    # M1: 15 / 30 = 0.5; M2: 2 / 10 = 0.2; M3 owned 0 days is left out:
    # (0.5 + 0.2) / 2 = 0.35 (with M3 it would be 0.2333)
    assert row["mean_utilization"] == "0.3500"
    assert row["disposed"] == 1


def test_medians_of_disposed_articles_take_the_mean_of_the_two_middle_values():
    fleet = sku("MED")
    d1 = article(fleet, "D1", "2025-01-01")
    rental(d1, moment("2025-01-02"), moment("2025-01-03"))
    services.article_retire(article=d1, occurred_at=moment("2025-01-11"))  # 10 days, 1 use
    d2 = article(fleet, "D2", "2025-01-01")
    rental(d2, moment("2025-01-02"), moment("2025-01-03"))
    rental(d2, moment("2025-01-04"), moment("2025-01-05"))
    services.article_sell(article=d2, price="500", occurred_at=moment("2025-01-16"))  # 15 d, 2
    d3 = article(fleet, "D3", "2025-01-01")
    rental(d3, moment("2025-01-02"), moment("2025-01-03"))
    rental(d3, moment("2025-01-04"), moment("2025-01-05"))
    services.article_report_lost(article=d3, occurred_at=moment("2025-01-31"))  # 30 d, 2 uses
    d4 = article(fleet, "D4", "2025-01-01")
    for day in [2, 4, 6, 8, 10, 12]:
        rental(d4, moment(f"2025-01-{day:02d}"), moment(f"2025-01-{day + 1:02d}"))
    services.article_retire(article=d4, occurred_at=moment("2025-02-10"))  # 40 days, 6 uses
    article(fleet, "D5", "2025-01-01")  # active: not disposed
    d6 = article(fleet, "D6", "2025-01-01")
    rental(d6, moment("2025-02-01"), moment("2025-02-02"))
    # sold after T: not disposed by T (with it the lifetimes' median would be 30)
    services.article_sell(article=d6, price="500", occurred_at=moment("2025-07-10"))

    row = figures("MED")
    assert row["disposed"] == 4
    # lifetimes 10, 15, 30, 40: (15 + 30) / 2 = 22.5
    assert row["median_lifetime_days"] == "22.5000"
    # uses at disposal 1, 2, 2, 6 (a tie in the middle): (2 + 2) / 2 = 2
    assert row["median_uses_at_disposal"] == "2.0000"
    # Kaplan-Meier: D5 and D6 censored at 181 days.
    #   t_i  n_i  d_i  S(t_i)
    #   10   6    1    5/6                = 0.8333
    #   15   5    1    5/6 x 4/5 = 4/6    = 0.6667
    #   30   4    1    4/6 x 3/4 = 3/6    = 0.5   <= 0.5 (exactly; computed in floats
    #                                              it is 0.5000000000000001)
    # median = 30
    assert row["km_median_lifetime_days"] == "30.0000"


def test_medians_are_empty_without_disposals():
    fleet = sku("NOD")
    article(fleet, "N1", "2025-01-01")
    article(fleet, "N2", "2025-01-01")

    row = figures("NOD")
    assert row["disposed"] == 0
    assert row["median_lifetime_days"] is None
    assert row["median_uses_at_disposal"] is None
    # no event: S stays 1
    assert row["km_median_lifetime_days"] is None


def test_kaplan_meier_median_counts_censored_articles_at_risk():
    fleet = sku("KM")
    services.article_retire(
        article=article(fleet, "K1", "2025-01-01"), occurred_at=moment("2025-01-11")
    )  # event at 10 days
    services.article_sell(
        article=article(fleet, "K2", "2025-01-01"), price="100", occurred_at=moment("2025-01-21")
    )  # event at 20
    article(fleet, "K3", "2025-06-01")  # censored at 30 (06-01 -> 07-01)
    article(fleet, "K4", "2025-05-27")  # censored at 35 (5 + 30)
    services.article_report_lost(
        article=article(fleet, "K5", "2025-01-01"), occurred_at=moment("2025-02-10")
    )  # event at 40 (31 + 9)
    article(fleet, "K6", "2025-05-22")  # censored at 40 (10 + 30): still at risk at t = 40
    services.article_retire(
        article=article(fleet, "K7", "2025-01-01"), occurred_at=moment("2025-03-02")
    )  # event at 60 (31 + 28 + 1)
    article(fleet, "K8", "2025-01-01")  # censored at 181

    row = figures("KM")
    # Kaplan-Meier table (n_i = articles with lifetime >= t_i):
    #   t_i  n_i                     d_i  S(t_i)
    #   10   8                       1    7/8              = 0.875
    #   20   7                       1    0.875 x 6/7      = 0.75
    #   40   4 (K5, K6, K7, K8)      1    0.75 x 3/4       = 0.5625
    #   60   2 (K7, K8)              1    0.5625 x 1/2     = 0.28125 <= 0.5
    # median = 60. (Leaving K6, censored at 40, out of n at 40 would give
    # 0.75 x 2/3 = 0.5 and a median of 40.)
    assert row["km_median_lifetime_days"] == "60.0000"
    # disposed lifetimes 10, 20, 40, 60: (20 + 40) / 2 = 30
    assert row["median_lifetime_days"] == "30.0000"
    # nobody was used: 0, 0, 0, 0
    assert row["median_uses_at_disposal"] == "0.0000"
    assert row["disposed"] == 4


def test_kaplan_meier_median_is_empty_when_survival_stays_above_half():
    fleet = sku("KMN")
    services.article_retire(
        article=article(fleet, "Q1", "2025-01-01"), occurred_at=moment("2025-01-11")
    )
    article(fleet, "Q2", "2025-01-01")
    article(fleet, "Q3", "2025-01-01")

    row = figures("KMN")
    # t = 10: n = 3, d = 1, S = 2/3 > 0.5; no later event
    assert row["km_median_lifetime_days"] is None
    # one disposal of 10 days
    assert row["median_lifetime_days"] == "10.0000"


def _peak_fleet():
    """SKU PEAK, window 30 days: [T - W, T) = [06-01, 07-01)."""
    fleet = sku("PEAK", selloff_window_days=30)
    p1 = article(fleet, "P1", "2025-01-01")
    rental(p1, moment("2025-06-10"), moment("2025-06-15"))
    rental(p1, moment("2025-06-25"), None)
    p2 = article(fleet, "P2", "2025-01-01")
    rental(p2, moment("2025-06-15"), moment("2025-06-20"))  # begins as P1's ends
    rental(p2, moment("2025-07-01"), moment("2025-07-03"))  # at T, outside the window
    rental(article(fleet, "P3", "2025-01-01"), moment("2025-05-20"), moment("2025-05-28"))
    rental(article(fleet, "P4", "2025-01-01"), moment("2025-05-25"), moment("2025-05-30"))
    rental(article(fleet, "P5", "2025-01-01"), moment("2025-05-31"), moment("2025-06-02"))
    article(fleet, "P6", "2025-01-01", allocation="sales")  # active, but for sale
    services.article_status_change(
        article=article(fleet, "P7", "2025-01-01"),
        status="out_of_use",
        occurred_at=moment("2025-02-01"),
    )
    return fleet


def test_peak_on_order_treats_usages_as_half_open_within_the_window():
    _peak_fleet()

    row = figures("PEAK")
    # In [06-01, 07-01): P5 [.., 06-02), P1 [06-10, 06-15), P2 [06-15, 06-20) (at 06-15
    # P1 has ended), P1 [06-25, T). Never two at once: peak 1. (P3 and P4 overlap in
    # May, before the window; P2's rental at T is outside it.)
    assert row["peak_on_order"] == 1
    # active rental articles P1..P5 = 5 (P6 is for sale, P7 out of use): 5 - 1 - 1
    assert row["surplus"] == 3


def test_window_option_overrides_the_skus_window_for_peak_and_surplus():
    _peak_fleet()

    row = figures("PEAK", "--window", "60")
    # [05-02, 07-01) holds P3 [05-20, 05-28) and P4 [05-25, 05-30) at once: peak 2
    assert row["peak_on_order"] == 2
    # 5 - 2 - 1
    assert row["surplus"] == 2


def test_skus_report_lists_skus_by_code():
    for code in ["ZED", "ALPHA", "MID"]:
        article(sku(code), f"{code}-1", "2025-01-01")
    assert [row["sku_code"] for row in report("skus")] == ["ALPHA", "MID", "ZED"]


def test_skus_report_has_the_contract_columns():
    article(sku("COL"), "COL-1", "2025-01-01")
    assert list(report("skus")[0]) == [
        "sku_code",
        "sku_name",
        "articles",
        "active",
        "out_of_use",
        "on_order",
        "lost",
        "sold",
        "retired",
        "revenue",
        "expenses",
        "net",
        "purchase_total",
        "revenue_per_article",
        "mean_utilization",
        "disposed",
        "median_lifetime_days",
        "median_uses_at_disposal",
        "km_median_lifetime_days",
        "peak_on_order",
        "surplus",
        "replacement_price",
        "challenger_net_per_day",
        "renewal_hurdle",
    ]


def test_store_option_limits_the_sku_figures_to_that_stores_articles():
    fleet = sku("ST")
    main = article(fleet, "ST-1", "2025-06-01")  # store "Main"
    rental(main, moment("2025-06-02"), moment("2025-06-03"), revenue="100")
    north = article(
        fleet, "ST-2", "2025-06-01", price="500.00", store=StoreFactory.create(name="North")
    )
    rental(north, moment("2025-06-02"), moment("2025-06-03"), revenue="40")

    row = figures("ST", "--store", "North")
    assert row["articles"] == 1
    assert row["revenue"] == "40.00"
    assert row["purchase_total"] == "500.00"
    # 40 / 1
    assert row["revenue_per_article"] == "40.00"


def test_money_is_rounded_half_up():
    fleet = sku("HALF")
    income(article(fleet, "H-1", "2025-06-01"), moment("2025-06-10"), "100.05")
    article(fleet, "H-2", "2025-06-01")

    # 100.05 / 2 = 50.025 exactly -> 50.03 (a binary float would hold 50.02499...)
    assert figures("HALF")["revenue_per_article"] == "50.03"


def test_an_article_lost_at_t_and_found_later_is_counted_lost_and_disposed():
    fleet = sku("FND")
    item = article(fleet, "F-1", "2025-01-01")
    services.article_report_lost(article=item, occurred_at=moment("2025-06-10"))
    services.article_found(article=item, occurred_at=moment("2025-07-05"))

    row = figures("FND")
    # lost at T per the ledger (found only after T): disposed by T
    assert row["disposed"] == 1
    # the counts by status use the status at T too: lost, not yet active again
    assert row["active"] == 0
    assert row["lost"] == 1


def test_replacement_price_is_empty_when_nothing_was_bought_by_the_as_of_date():
    article(sku("FUT"), "FUT-1", "2025-07-05")

    row = figures("FUT")
    # purchased_on 07-05 > D: the article is in no report as of D, so the SKU is
    # listed with none; no replacement price, so no 10% hurdle either, and no article
    # qualifies for the challenger
    assert row["articles"] == 0
    assert row["replacement_price"] is None
    assert row["renewal_hurdle"] is None
    assert row["challenger_net_per_day"] is None


def test_lifetimes_are_counted_in_seconds_across_a_daylight_saving_change(settings):
    settings.TIME_ZONE = "Europe/Berlin"  # clocks go forward on 2025-03-30
    fleet = sku("DST")
    services.article_retire(
        article=article(fleet, "DST-1", "2025-03-01"), occurred_at=moment("2025-04-01")
    )
    services.article_retire(
        article=article(fleet, "DST-2", "2025-03-01"), occurred_at=moment("2025-03-21")
    )

    row = figures("DST")
    # DST-1: 03-01 00:00 CET -> 04-01 00:00 CEST = 31 days less the lost hour
    #        = 30.958333...; DST-2: 03-01 -> 03-21, 20 days, no change of offset
    # median of 20 and 30.958333... = 25.4791666... -> 25.4792
    assert row["median_lifetime_days"] == "25.4792"
    # Kaplan-Meier: t = 20, n = 2, S = 1/2 <= 0.5 -> 20
    assert row["km_median_lifetime_days"] == "20.0000"
