"""Per-article figures of SPEC.md "Figures", worked out by hand and read back through
``manage.py report articles --format json``.

Unless a test says otherwise: the installation is in UTC, the report is as of
D = 2025-06-30, so the horizon is T = 2025-07-01 00:00 and T - 365 days = 2024-07-01
00:00 (2025 has no 29 February). P is the start of ``purchased_on``. The SKU has no
depreciation rate of its own, so r = 0.20, and 0.8 ^ (30 / 365) = 0.98182659879180...
"""

import pytest

from articles import services
from tests.factories import EventFactory, StoreFactory
from tests.helpers import moment
from tests.reports.handworked import (
    article,
    by_key,
    expense,
    income,
    rental,
    report,
    report_csv,
    sku,
)

pytestmark = pytest.mark.django_db


def figures(number: str, *args: str, as_of: str = "2025-06-30") -> dict:
    return by_key(report("articles", *args, as_of=as_of))[number]


def test_open_usage_crossing_the_horizon_counts_up_to_t():
    item = article(sku("ART"), "A1", "2025-06-01")
    rental(item, moment("2025-06-05"), moment("2025-06-10"), revenue="50")
    rental(item, moment("2025-06-28"), None)  # still on order at T

    assert figures("A1") == {
        "number": "A1",
        "sku_code": "ART",
        # current values: in store Main, active (on order), new
        "store": "Main",
        "status": "active",
        "condition": "new",
        "usage_count": 2,
        # [06-05, 06-10) = 5 days, + [06-28, T = 07-01) = 3 days
        "usage_days": "8.0000",
        # E = T (not disposed): 06-01 -> 07-01 = 30 days
        "owned_days": "30.0000",
        # 8 / 30 = 0.26666... -> 0.2667
        "utilization": "0.2667",
        "revenue": "50.00",
        "expenses": "0.00",
        "net": "50.00",
        # 50 / 1000
        "payback_ratio": "0.0500",
        "paid_back_on": None,
        "sale_proceeds": "0.00",
        # 50 + 0 - 1000
        "lifetime_profit": "-950.00",
        # revenue in [2024-07-01, T) = 50; 50 / 1000
        "dollar_utilization": "0.0500",
        # 1000 x 0.8 ^ (30 / 365) x 1.00 (new) = 981.8265987918... -> 981.83
        "estimated_value": "981.83",
    }


def test_usage_that_began_before_the_purchase_day_counts_from_p():
    # usage_start accepts a start before purchased_on (it checks status, allocation and
    # overlaps only), so the ledger holds what the product would record.
    item = article(sku("ART"), "A2", "2025-06-10", price="500.00")
    rental(item, moment("2025-06-01"), moment("2025-06-03"), revenue="15")  # wholly before P
    rental(item, moment("2025-06-08"), moment("2025-06-12"), revenue="40")

    row = figures("A2")
    # both usages began before T
    assert row["usage_count"] == 2
    # [06-01, 06-03) ∩ [P = 06-10, E = 07-01) is empty: 0 days (not -7);
    # [06-08, 06-12) ∩ [06-10, 07-01) = [06-10, 06-12) = 2 days
    assert row["usage_days"] == "2.0000"
    # 06-10 -> 07-01 = 21 days
    assert row["owned_days"] == "21.0000"
    # 2 / 21 = 0.095238... -> 0.0952
    assert row["utilization"] == "0.0952"
    # money is not clipped to P: both rentals started before T; 15 + 40
    assert row["revenue"] == "55.00"


def test_usage_continuing_after_disposal_counts_only_until_disposal():
    # The services refuse a usage that runs past a disposal (a retirement while on
    # order is refused, and a rental recorded across a past retirement overlaps it),
    # so this ledger row is laid out with EventFactory after the retirement.
    item = article(sku("ART"), "A3", "2025-06-01")
    services.article_retire(article=item, occurred_at=moment("2025-06-20"), cost="30")
    EventFactory.create(
        article=item,
        kind="rental",
        occurred_at=moment("2025-06-18"),
        ended_at=moment("2025-06-25"),
        revenue="70",
    )

    assert figures("A3") == {
        "number": "A3",
        "sku_code": "ART",
        # current values: retired on 06-20, still graded new
        "store": "Main",
        "status": "retired",
        "condition": "new",
        "usage_count": 1,
        # [06-18, 06-25) ∩ [06-01, E = disposed_at = 06-20) = 2 days
        "usage_days": "2.0000",
        # 06-01 -> 06-20 = 19 days
        "owned_days": "19.0000",
        # 2 / 19 = 0.105263... -> 0.1053
        "utilization": "0.1053",
        "revenue": "70.00",
        # the retirement's disposal cost
        "expenses": "30.00",
        # 70 - 30
        "net": "40.00",
        # 40 / 1000
        "payback_ratio": "0.0400",
        "paid_back_on": None,
        "sale_proceeds": "0.00",
        # 40 + 0 - 1000
        "lifetime_profit": "-960.00",
        # 70 / 1000
        "dollar_utilization": "0.0700",
        # disposed before T
        "estimated_value": "0.00",
    }


def test_events_at_the_horizon_are_excluded_and_just_before_included():
    item = article(sku("ART"), "A4", "2025-06-01")
    rental(item, moment("2025-06-29"), moment("2025-06-30", 12), revenue="100")
    income(item, moment("2025-06-30", 23, 59, 59), "5")
    expense(item, moment("2025-06-30", 23, 59, 59), "10")
    rental(item, moment("2025-07-01"), moment("2025-07-02"), revenue="200")  # at T
    expense(item, moment("2025-07-01"), "7")  # at T

    row = figures("A4")
    assert row["usage_count"] == 1
    # [06-29 00:00, 06-30 12:00) = 1.5 days; the rental at T adds nothing
    assert row["usage_days"] == "1.5000"
    # 1.5 / 30
    assert row["utilization"] == "0.0500"
    # 100 + 5 (the 200 at T is out)
    assert row["revenue"] == "105.00"
    # 10 (the 7 at T is out)
    assert row["expenses"] == "10.00"
    assert row["net"] == "95.00"
    # 105 / 1000
    assert row["dollar_utilization"] == "0.1050"


def test_events_at_the_horizon_count_one_day_later():
    item = article(sku("ART"), "A4", "2025-06-01")
    rental(item, moment("2025-06-29"), moment("2025-06-30", 12), revenue="100")
    rental(item, moment("2025-07-01"), moment("2025-07-02"), revenue="200")

    row = figures("A4", as_of="2025-07-01")
    # T = 07-02 00:00: both rentals, 1.5 + 1 days
    assert row["usage_count"] == 2
    assert row["usage_days"] == "2.5000"
    assert row["revenue"] == "300.00"


def test_revenue_excludes_the_sale_and_expenses_include_every_cost():
    item = article(sku("ART"), "A5", "2025-01-01")
    rental(item, moment("2025-02-01"), moment("2025-02-11"), revenue="300", cost="20")
    services.service_record(
        article=item, kind="repair", occurred_at=moment("2025-03-01"), cost="50"
    )
    income(item, moment("2025-03-05"), "25")
    expense(item, moment("2025-03-10"), "15")
    services.money_record(
        article=item, kind="adjustment", revenue="10", cost="5", occurred_at=moment("2025-03-15")
    )
    services.article_transfer(
        article=item,
        store=StoreFactory.create(name="North"),
        occurred_at=moment("2025-03-20"),
        cost="12",
    )
    services.inspection_record(
        article=item, condition="good", occurred_at=moment("2025-03-25"), cost="8"
    )
    services.article_sell(article=item, price="600", cost="40", occurred_at=moment("2025-04-01"))

    row = figures("A5")
    # 300 (rental) + 25 (income) + 10 (adjustment); the sale's 600 is not revenue
    assert row["revenue"] == "335.00"
    # 20 + 50 + 15 + 5 + 12 + 8 + 40 (the sale's own cost counts)
    assert row["expenses"] == "150.00"
    # 335 - 150
    assert row["net"] == "185.00"
    # 185 / 1000
    assert row["payback_ratio"] == "0.1850"
    assert row["paid_back_on"] is None
    assert row["sale_proceeds"] == "600.00"
    # 185 + 600 - 1000
    assert row["lifetime_profit"] == "-215.00"
    # E = 04-01: 31 + 28 + 31 = 90 days; 10 days of use; 10 / 90 = 0.1111
    assert row["owned_days"] == "90.0000"
    assert row["usage_days"] == "10.0000"
    assert row["utilization"] == "0.1111"
    # sold before T
    assert row["estimated_value"] == "0.00"


def test_price_zero_leaves_ratios_empty():
    item = article(sku("ART"), "A6", "2025-06-01", price="0.00")
    rental(item, moment("2025-06-02"), moment("2025-06-04"), revenue="50")

    row = figures("A6")
    assert row["payback_ratio"] is None
    assert row["paid_back_on"] is None
    assert row["dollar_utilization"] is None
    # 0 x anything
    assert row["estimated_value"] == "0.00"
    # 50 + 0 - 0
    assert row["lifetime_profit"] == "50.00"
    # 2 / 30 = 0.0666... -> 0.0667
    assert row["utilization"] == "0.0667"


def test_paid_back_on_is_the_first_event_where_running_net_reaches_the_price():
    item = article(sku("ART"), "A7", "2025-03-01", price="100.00")
    rental(item, moment("2025-03-01", 10), moment("2025-03-05"), revenue="60")  # running 60
    expense(item, moment("2025-03-10"), "10")  # running 50
    income(item, moment("2025-04-02", 15), "50")  # running 100 = price: reached
    expense(item, moment("2025-04-10"), "30")  # running 70: it stays paid back on 04-02

    row = figures("A7")
    assert row["paid_back_on"] == "2025-04-02"
    # 60 - 10 + 50 - 30 = 70; 70 / 100
    assert row["net"] == "70.00"
    assert row["payback_ratio"] == "0.7000"


def test_sale_proceeds_do_not_pay_an_article_back():
    item = article(sku("ART"), "A8", "2025-03-01", price="100.00")
    rental(item, moment("2025-03-02"), moment("2025-03-03"), revenue="40")
    services.article_sell(article=item, price="500", occurred_at=moment("2025-03-10"))

    row = figures("A8")
    # running net (revenue without the sale - expenses) peaks at 40 < 100
    assert row["paid_back_on"] is None
    assert row["payback_ratio"] == "0.4000"
    assert row["sale_proceeds"] == "500.00"
    # 40 + 500 - 100
    assert row["lifetime_profit"] == "440.00"


def test_dollar_utilization_counts_revenue_of_the_last_365_days():
    item = article(sku("ART"), "A9", "2024-01-01")
    income(item, moment("2024-06-30", 23), "1000")  # before T - 365 d: out of the window
    income(item, moment("2024-07-01"), "100")  # exactly T - 365 d: in
    rental(item, moment("2025-01-10"), moment("2025-01-20"), revenue="200")

    assert figures("A9") == {
        "number": "A9",
        "sku_code": "ART",
        # current values: active, never graded since it was bought new
        "store": "Main",
        "status": "active",
        "condition": "new",
        "usage_count": 1,
        "usage_days": "10.0000",
        # 2024-01-01 -> 2025-01-01 = 366 (leap year) + 181 (Jan..Jun 2025) = 547
        "owned_days": "547.0000",
        # 10 / 547 = 0.018281... -> 0.0183
        "utilization": "0.0183",
        "revenue": "1300.00",
        "expenses": "0.00",
        "net": "1300.00",
        # 1300 / 1000
        "payback_ratio": "1.3000",
        # the income of 2024-06-30 23:00 brings the running net to 1000 = price
        "paid_back_on": "2024-06-30",
        "sale_proceeds": "0.00",
        # 1300 + 0 - 1000
        "lifetime_profit": "300.00",
        # (100 + 200) / 1000
        "dollar_utilization": "0.3000",
        # 1000 x 0.8 ^ (547 / 365) = 715.7605102434... -> 715.76
        "estimated_value": "715.76",
    }


def test_estimated_value_applies_each_condition_factor():
    # Bought exactly 365 days before T: 1000 x 0.8 ^ (365 / 365) = 800 before the factor.
    fleet = sku("EST")
    for number, condition in [
        ("E-1", "new"),
        ("E-2", "like_new"),
        ("E-3", "good"),
        ("E-4", "fair"),
        ("E-5", "poor"),
    ]:
        article(fleet, number, "2024-07-01", condition=condition)

    rows = by_key(report("articles"))
    assert {number: rows[number]["estimated_value"] for number in rows} == {
        "E-1": "800.00",  # 800 x 1.00
        "E-2": "680.00",  # 800 x 0.85
        "E-3": "560.00",  # 800 x 0.70
        "E-4": "400.00",  # 800 x 0.50
        "E-5": "200.00",  # 800 x 0.25
    }


def test_estimated_value_uses_the_skus_own_depreciation_rate():
    article(sku("EST50", depreciation_rate="0.5000"), "E-6", "2024-07-01")
    # 1000 x (1 - 0.5) ^ (365 / 365) x 1.00
    assert figures("E-6")["estimated_value"] == "500.00"


def test_estimated_value_takes_the_condition_at_t_not_a_later_grade():
    item = article(sku("EST"), "E-7", "2024-07-01", condition="new")
    services.inspection_record(article=item, condition="fair", occurred_at=moment("2025-08-01"))
    # the grade found after T is not yet the article's condition at T: new, 800 x 1.00
    assert figures("E-7")["estimated_value"] == "800.00"
    # the row's condition says what the article is now
    assert figures("E-7")["condition"] == "fair"
    # as of a date after the inspection it is fair: T = 2025-08-02 00:00 is 397 days
    # after P, 1000 x 0.8 ^ (397 / 365) = 784.5014789742... x 0.50 = 392.2507... -> 392.25
    assert figures("E-7", as_of="2025-08-01")["estimated_value"] == "392.25"


def test_estimated_value_takes_a_grade_found_before_t():
    item = article(sku("EST"), "E-9", "2024-07-01", condition="new")
    services.inspection_record(article=item, condition="fair", occurred_at=moment("2025-06-30"))
    # graded fair before T: 800 x 0.50
    assert figures("E-9")["estimated_value"] == "400.00"


def test_article_sold_after_the_horizon_still_has_its_value_and_no_proceeds():
    item = article(sku("EST"), "E-8", "2024-07-01", condition="good")
    services.article_sell(article=item, price="300", occurred_at=moment("2025-07-15"))

    row = figures("E-8")
    # not disposed at T: 800 x 0.70
    assert row["estimated_value"] == "560.00"
    # the sale is after T
    assert row["sale_proceeds"] == "0.00"
    # E = min(07-15, T) = T: 365 days
    assert row["owned_days"] == "365.0000"


def test_buy_out_ends_the_usage_at_the_sale():
    item = article(sku("ART"), "B1", "2025-06-01")
    rental(item, moment("2025-06-10"), None, revenue="30")
    services.article_sell(article=item, price="700", occurred_at=moment("2025-06-20", 12))

    row = figures("B1")
    assert row["usage_count"] == 1
    # [06-10, 06-20 12:00) = 10.5 days (the sale ended the usage)
    assert row["usage_days"] == "10.5000"
    # E = 06-20 12:00: 19.5 days
    assert row["owned_days"] == "19.5000"
    # 10.5 / 19.5 = 0.538461... -> 0.5385
    assert row["utilization"] == "0.5385"
    assert row["revenue"] == "30.00"
    assert row["sale_proceeds"] == "700.00"
    # 30 + 700 - 1000
    assert row["lifetime_profit"] == "-270.00"
    assert row["estimated_value"] == "0.00"


def test_loss_while_on_order_ends_the_usage_and_its_revenue_counts():
    item = article(sku("ART"), "B2", "2025-06-01")
    rental(item, moment("2025-06-10"), None, revenue="20")
    services.article_report_lost(article=item, revenue="400", occurred_at=moment("2025-06-15", 6))

    row = figures("B2")
    # [06-10, 06-15 06:00) = 5.25 days
    assert row["usage_days"] == "5.2500"
    # 06-01 -> 06-15 06:00 = 14.25 days
    assert row["owned_days"] == "14.2500"
    # 5.25 / 14.25 = 0.368421... -> 0.3684
    assert row["utilization"] == "0.3684"
    # 20 (rental) + 400 (insurance on the loss: revenue, not a sale)
    assert row["revenue"] == "420.00"
    assert row["sale_proceeds"] == "0.00"
    # 420 / 1000
    assert row["payback_ratio"] == "0.4200"
    # 420 + 0 - 1000
    assert row["lifetime_profit"] == "-580.00"
    assert row["estimated_value"] == "0.00"


def test_lost_then_found_article_is_owned_again():
    item = article(sku("ART"), "B3", "2025-06-01")
    services.article_report_lost(article=item, occurred_at=moment("2025-06-10"))
    services.article_found(article=item, occurred_at=moment("2025-06-15"))
    rental(item, moment("2025-06-20"), moment("2025-06-25"), revenue="50")

    row = figures("B3")
    # found clears disposed_at: E = T, 30 days
    assert row["owned_days"] == "30.0000"
    assert row["usage_days"] == "5.0000"
    # 5 / 30 = 0.1666... -> 0.1667
    assert row["utilization"] == "0.1667"
    assert row["revenue"] == "50.00"
    # not disposed: 1000 x 0.8 ^ (30 / 365) = 981.8266 -> 981.83
    assert row["estimated_value"] == "981.83"


def test_horizon_is_local_midnight_in_a_non_utc_installation(settings):
    settings.TIME_ZONE = "Europe/Berlin"  # UTC+2 in summer
    item = article(sku("ART"), "Z1", "2025-06-01")
    # 23:30 local on 06-30 = 21:30 UTC: before T = 07-01 00:00 local = 06-30 22:00 UTC
    rental(item, moment("2025-06-30", 23, 30), None, revenue="10")
    # 00:30 local on 07-01 = 22:30 UTC on 06-30: at or after T, so out
    income(item, moment("2025-07-01", 0, 30), "500")

    row = figures("Z1")
    assert row["usage_count"] == 1
    # [23:30, 24:00) local = 0.5 h = 1/48 day = 0.020833... -> 0.0208
    assert row["usage_days"] == "0.0208"
    # P = 06-01 00:00 local, T = 07-01 00:00 local: 30 days
    assert row["owned_days"] == "30.0000"
    assert row["revenue"] == "10.00"


def test_paid_back_on_is_the_local_date_of_an_event_late_in_the_evening(settings):
    settings.TIME_ZONE = "America/New_York"  # UTC-4 in summer
    item = article(sku("ART"), "Z2", "2025-06-01", price="100.00")
    # 23:30 local on 06-10 = 03:30 UTC on 06-11
    income(item, moment("2025-06-10", 23, 30), "100")

    assert figures("Z2")["paid_back_on"] == "2025-06-10"


def test_paid_back_on_is_the_local_date_of_an_event_just_after_midnight(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    item = article(sku("ART"), "Z3", "2025-06-01", price="100.00")
    # 00:30 local on 06-11 = 22:30 UTC on 06-10
    income(item, moment("2025-06-11", 0, 30), "100")

    assert figures("Z3")["paid_back_on"] == "2025-06-11"


def test_articles_csv_has_the_spec_columns_and_formats():
    fleet = sku("CSVS")
    paid = article(fleet, "CSV-1", "2024-07-01")
    rental(paid, moment("2025-06-01"), moment("2025-06-11"), revenue="1200")
    article(fleet, "CSV-2", "2024-07-01", price="0.00")

    lines = report_csv("articles")
    assert lines == [
        "number,sku_code,store,status,condition,usage_count,usage_days,owned_days,"
        "utilization,revenue,expenses,net,payback_ratio,paid_back_on,sale_proceeds,"
        "lifetime_profit,dollar_utilization,estimated_value",
        # 10 days of 365 = 0.027397... -> 0.0274; 1200 / 1000 = 1.2; paid back by the
        # rental of 06-01; 1200 + 0 - 1000 = 200; 1000 x 0.8 = 800
        "CSV-1,CSVS,Main,active,new,1,10.0000,365.0000,0.0274,1200.00,0.00,1200.00,1.2000,"
        "2025-06-01,0.00,200.00,1.2000,800.00",
        # price 0: payback_ratio, paid_back_on and dollar_utilization empty
        "CSV-2,CSVS,Main,active,new,0,0.0000,365.0000,0.0000,0.00,0.00,0.00,,,0.00,0.00,,0.00",
    ]


def test_articles_report_lists_articles_by_number():
    fleet = sku("ORD")
    for number in ["ORD-3", "ORD-1", "ORD-2"]:
        article(fleet, number, "2025-06-01")
    assert [row["number"] for row in report("articles")] == ["ORD-1", "ORD-2", "ORD-3"]


def test_owned_days_start_at_the_beginning_of_the_purchase_day():
    # P is the instant at which purchased_on begins (the acquisition event is there too).
    item = article(sku("ART"), "P1", "2025-06-30")
    assert item.events.get(kind="acquisition").occurred_at == moment("2025-06-30")
    # 06-30 00:00 -> T = 07-01 00:00
    assert figures("P1")["owned_days"] == "1.0000"


def test_day_counts_are_seconds_across_a_daylight_saving_change(settings):
    settings.TIME_ZONE = "Europe/Berlin"  # clocks go forward on 2025-03-30
    article(sku("ART"), "Z4", "2025-03-01")

    row = figures("Z4")
    # P = 03-01 00:00 CET = 02-28 23:00 UTC; T = 07-01 00:00 CEST = 06-30 22:00 UTC:
    # 31 + 30 + 31 + 30 = 122 calendar days less the lost hour = 122 - 1/24
    # = 121.958333... -> 121.9583
    assert row["owned_days"] == "121.9583"
    # 1000 x 0.8 ^ (121.958333... / 365) = 928.1522521573... -> 928.15
    assert row["estimated_value"] == "928.15"


def test_fractions_are_rounded_half_up():
    item = article(sku("ART"), "H1", "2025-05-30")
    rental(item, moment("2025-06-01"), moment("2025-06-02"))

    # 1 day of 32 (05-30 -> 07-01 = 2 + 30): 1 / 32 = 0.03125 exactly -> 0.0313
    assert figures("H1")["utilization"] == "0.0313"


def test_article_sold_at_its_purchase_instant_has_zero_utilization():
    item = article(sku("ART"), "P2", "2025-06-30", price="300.00")
    services.article_sell(article=item, price="300", occurred_at=moment("2025-06-30"))

    row = figures("P2")
    # E = disposed_at = P: owned_days max(0, 0) = 0, and utilization is 0 by definition
    assert row["owned_days"] == "0.0000"
    assert row["utilization"] == "0.0000"
    # 0 + 300 - 300
    assert row["lifetime_profit"] == "0.00"


def test_dollar_utilization_leaves_the_sale_out():
    # SPEC calls it the rental industry's "financial utilization": rental earnings over
    # the price. Read as the revenue figure of the last 365 days, which excludes sales.
    item = article(sku("ART"), "A10", "2025-01-01")
    rental(item, moment("2025-02-01"), moment("2025-02-11"), revenue="300")
    services.article_sell(article=item, price="600", occurred_at=moment("2025-04-01"))

    # 300 / 1000 (the 600 of the sale is not revenue)
    assert figures("A10")["dollar_utilization"] == "0.3000"


def test_sku_option_limits_the_articles_report_to_that_sku():
    article(sku("ONE"), "ONE-1", "2025-06-01")
    article(sku("TWO"), "TWO-1", "2025-06-01")

    assert [row["number"] for row in report("articles", "--sku", "TWO")] == ["TWO-1"]
