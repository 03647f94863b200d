"""Sell-off candidates of SPEC.md "Sell-off candidates", worked out by hand and read back
through ``manage.py report selloff|skus --format json``.

The installation is in UTC and the report is as of D = 2025-06-30: T = 2025-07-01
00:00. Most SKUs here have a window of W = 30 days: [T - W, T) = [06-01, 07-01) and
T + W = 07-31. The depreciation rate is the default r = 0.20, and

    g = 0.8 ^ (30 / 365) = 0.9818265987918012274...,  1 - g = 0.0181734012081987726...

An article bought 2024-07-01 is 365 days old at T, so its estimated value at T is
price x 0.8 x f(condition), and at T + W it is that times g:

    value_loss (1000, new, W = 30) = 800 x (1 - g) = 14.5387209665... -> 14.54

Every figure below also comes out to the same cent if the two estimated values are
rounded to cents before they are subtracted (800.00 - 785.46 = 14.54), so the
expectations do not depend on where an implementation rounds.
"""

import pytest

from articles import services
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


def candidates(*args: str) -> list[dict]:
    return report("selloff", *args)


def sku_figures(code: str, *args: str) -> dict:
    return by_key(report("skus", *args), key="sku_code")[code]


def test_default_window_of_365_days_judges_a_whole_year():
    fleet = sku("YEAR")  # no window of its own: SELLOFF_WINDOW_DAYS = 365
    y1 = article(fleet, "Y1", "2024-07-01")
    rental(y1, moment("2025-03-01"), moment("2025-03-03"), revenue="100")
    y2 = article(fleet, "Y2", "2024-07-01")
    rental(y2, moment("2025-04-01"), moment("2025-04-04"), revenue="360")

    # Y1: trailing_net over [2024-07-01, T) = 100
    #     value_loss = 1000 x 0.8 ^ (365/365) - 1000 x 0.8 ^ (730/365) = 800 - 640 = 160
    #     keep_margin = 100 - 160 = -60 -> earns_less_than_value_loss
    # Y2: keep_margin = 360 - 160 = 200
    # surplus: 2 active rental articles, never on order together: peak 1, 2 - 1 - 1 = 0
    # challenger_net_per_day: the first window [P, P + 365) is the trailing one;
    #     Y1 100 / 2 days = 50, Y2 360 / 3 days = 120: median (50 + 120) / 2 = 85
    # a new one's value loss: replacement_price 1000 (both bought 2024-07-01)
    #     x (1 - 0.8 ^ (365/365)) = 200
    # Y1: window_usage_days 2; challenger_margin = 85 x 2 - 200 = -30
    #     renewal_gain = -30 - (-60) = 30, not > renewal_hurdle 10% x 1000 = 100
    # Y2: challenger_margin = 85 x 3 - 200 = 55; renewal_gain = 55 - 200 = -145
    assert candidates() == [
        {
            "number": "Y1",
            "sku_code": "YEAR",
            "store": "Main",
            "reasons": "earns_less_than_value_loss",
            "trailing_net": "100.00",
            "value_loss": "160.00",
            "keep_margin": "-60.00",
            "window_usage_days": "2.0000",
            "challenger_margin": "-30.00",
            "renewal_gain": "30.00",
            # 1000 x 0.8 x 1.00
            "estimated_value": "800.00",
        }
    ]
    row = sku_figures("YEAR")
    assert row["peak_on_order"] == 1
    assert row["surplus"] == 0
    assert row["replacement_price"] == "1000.00"
    assert row["challenger_net_per_day"] == "85.0000"
    assert row["renewal_hurdle"] == "100.00"


def _considered_fleet():
    """SKU CONS (no window of its own), price 500, new, no revenue at all."""
    fleet = sku("CONS")
    article(fleet, "N1", "2025-06-01", price="500.00")  # owned 30 days
    article(fleet, "N2", "2025-06-02", price="500.00")  # owned 29 days
    n3 = article(fleet, "N3", "2025-06-01", price="500.00")
    services.article_status_change(
        article=n3, status="out_of_use", occurred_at=moment("2025-06-05")
    )
    article(fleet, "N4", "2025-06-01", price="500.00", allocation="sales")
    services.article_sell(
        article=article(fleet, "N5", "2025-06-01", price="500.00"),
        price="400",
        occurred_at=moment("2025-06-11"),
    )
    services.article_report_lost(
        article=article(fleet, "N6", "2025-06-01", price="500.00"),
        occurred_at=moment("2025-06-11"),
    )


def test_only_active_or_out_of_use_rental_articles_owned_a_whole_window_are_considered():
    _considered_fleet()

    # --window 30: considered are N1 (active, 30 days >= 30) and N3 (out of use, 30 days);
    # not N2 (29 days), N4 (sales), N5 (sold), N6 (lost).
    # N1, N3: 30 days old at T.
    #   estimated_value at T = 500 x 0.8 ^ (30/365) = 500 x g = 490.9132993959 -> 490.91
    #   at T + W = 500 x 0.8 ^ (60/365) = 500 x g^2 = 481.9917350475
    #   value_loss = 490.9132993959 - 481.9917350475 = 8.9215643484 -> 8.92
    #   trailing_net = 0; keep_margin = -8.92 -> earns_less_than_value_loss
    # surplus: active rental articles N1, N2 = 2; never on order: peak 0; 2 - 0 - 1 = 1
    #   -> the 1 considered article with the lowest keep_margin, tie N1 = N3 broken by
    #   number: N1 gets surplus_sku.
    # challenger_net_per_day: no article was ever used, so none qualifies: empty, and
    #   with it challenger_margin and renewal_gain.
    # idle: neither was on order in [06-01, 07-01); window_usage_days 0.
    # Sorted by keep_margin (equal) then number: N1, N3.
    common = {
        "sku_code": "CONS",
        "store": "Main",
        "trailing_net": "0.00",
        "value_loss": "8.92",
        "keep_margin": "-8.92",
        "window_usage_days": "0.0000",
        "challenger_margin": None,
        "renewal_gain": None,
        "estimated_value": "490.91",
    }
    assert candidates("--window", "30") == [
        {"number": "N1", **common, "reasons": "earns_less_than_value_loss;surplus_sku;idle"},
        {"number": "N3", **common, "reasons": "earns_less_than_value_loss;idle"},
    ]


def test_default_window_considers_no_article_younger_than_a_year():
    _considered_fleet()
    # W = 365: every article of CONS has owned at most 30 days
    assert candidates() == []


def test_surplus_picks_the_lowest_keep_margins_with_ties_broken_by_number():
    fleet = sku("SUR", selloff_window_days=30)
    s1 = article(fleet, "S1", "2024-07-01")
    rental(s1, moment("2025-06-10"), moment("2025-06-20"), revenue="100")
    s2 = article(fleet, "S2", "2024-07-01")
    rental(s2, moment("2025-06-15"), moment("2025-06-25"), revenue="100")  # overlaps S1
    s3 = article(fleet, "S3", "2024-07-01")
    rental(s3, moment("2025-06-05"), moment("2025-06-06"), revenue="50")
    s4 = article(fleet, "S4", "2024-07-01")
    rental(s4, moment("2025-06-07"), moment("2025-06-08"), revenue="50")
    s5 = article(fleet, "S5", "2024-07-01")
    income(s5, moment("2024-08-01"), "1000")  # before the window; pays it back
    income(s5, moment("2025-06-20"), "20")

    # value_loss for each: 800 x (1 - g) = 14.5387209666 -> 14.54
    # keep_margin: S1, S2 = 100 - 14.5387 = 85.4613; S3, S4 = 50 - 14.5387 = 35.4613;
    #              S5 = 20 - 14.5387 = 5.4613 -> 5.46
    # surplus: 5 active rental, peak 2 (S1 and S2 on 06-15..06-20): 5 - 2 - 1 = 2
    #   -> the 2 lowest keep margins: S5 (5.46), then S3 / S4 tie at 35.46 -> S3
    # challenger_net_per_day: no article was used in its first window
    #   [2024-07-01, 2024-07-31): empty, so challenger_margin and renewal_gain are too
    # window_usage_days: S5 none; S3 [06-05, 06-06) = 1
    # S5: no usage in the window (idle); net 1020 / 1000 >= 1 (paid_back)
    assert candidates() == [
        {
            "number": "S5",
            "sku_code": "SUR",
            "store": "Main",
            "reasons": "surplus_sku;idle;paid_back",
            "trailing_net": "20.00",
            "value_loss": "14.54",
            "keep_margin": "5.46",
            "window_usage_days": "0.0000",
            "challenger_margin": None,
            "renewal_gain": None,
            "estimated_value": "800.00",
        },
        {
            "number": "S3",
            "sku_code": "SUR",
            "store": "Main",
            "reasons": "surplus_sku",
            "trailing_net": "50.00",
            "value_loss": "14.54",
            "keep_margin": "35.46",
            "window_usage_days": "1.0000",
            "challenger_margin": None,
            "renewal_gain": None,
            "estimated_value": "800.00",
        },
    ]


def test_new_one_earns_more_when_the_sku_is_fully_used():
    fleet = sku(
        "REN",
        selloff_window_days=30,
        replacement_price="1200.00",
        renewal_hurdle="50.00",
        expected_lifetime_days=365,
    )
    r1 = article(fleet, "R1", "2024-07-01")
    rental(r1, moment("2024-07-05"), moment("2024-07-10"), revenue="300")  # first window
    rental(r1, moment("2025-06-10"), moment("2025-06-20"), revenue="600")
    r2 = article(fleet, "R2", "2024-07-01")
    rental(r2, moment("2024-07-12"), moment("2024-07-15"), revenue="200")
    rental(r2, moment("2025-06-15"), moment("2025-06-25"), revenue="550")  # overlaps R1
    r3 = article(fleet, "R3", "2024-07-01")
    rental(r3, moment("2024-07-20"), moment("2024-07-22"), revenue="100")
    rental(r3, moment("2025-06-26"), moment("2025-06-28"), revenue="40")

    # value_loss 14.5387209666 for each; keep_margin R1 = 600 - 14.5387 = 585.4612790334,
    #   R2 = 550 - 14.5387 = 535.4612790334, R3 = 40 - 14.5387209666 = 25.4612790334
    # surplus: 3 active rental, peak 2 (R1 and R2 on 06-15..06-20): 3 - 2 - 1 = 0
    # challenger_net_per_day over the first windows [2024-07-01, 2024-07-31):
    #   R1 300 / 5 days = 60, R2 200 / 3 days = 66.6667, R3 100 / 2 days = 50: median 60
    # a new one's value loss: the SKU's replacement_price 1200 x (1 - g) = 21.8080814498
    # window_usage_days: R1 10, R2 10, R3 2
    # challenger_margin R1, R2 = 60 x 10 - 21.8080814498 = 578.1919185502
    #                   R3 = 60 x 2 - 21.8080814498 = 98.1919185502 -> 98.19
    # renewal_gain R1 = 578.1919 - 585.4613 = -7.2694 (no)
    #              R2 = 578.1919 - 535.4613 = 42.7306, not > renewal_hurdle 50 (no)
    #              R3 = 98.1919185502 - 25.4612790334 = 72.7306395168 -> 72.73 > 50
    # R3 earns 20 a day of use where a new one would earn 60: renew it.
    # R3 is 365 days old >= expected lifetime 365: past_expected_lifetime
    assert candidates() == [
        {
            "number": "R3",
            "sku_code": "REN",
            "store": "Main",
            "reasons": "new_one_earns_more;past_expected_lifetime",
            "trailing_net": "40.00",
            "value_loss": "14.54",
            "keep_margin": "25.46",
            "window_usage_days": "2.0000",
            "challenger_margin": "98.19",
            "renewal_gain": "72.73",
            "estimated_value": "800.00",
        }
    ]
    row = sku_figures("REN")
    assert row["replacement_price"] == "1200.00"
    assert row["challenger_net_per_day"] == "60.0000"
    assert row["renewal_hurdle"] == "50.00"
    assert row["surplus"] == 0


def test_replacement_price_falls_back_to_the_most_recent_purchase():
    fleet = sku("RP")
    rp1 = article(fleet, "RP1", "2024-07-01")
    rental(rp1, moment("2024-07-05"), moment("2024-07-06"), revenue="60")
    rp2 = article(fleet, "RP2", "2025-03-01", price="700.00")
    rental(rp2, moment("2025-03-05"), moment("2025-03-06"), revenue="30")
    rp3 = article(fleet, "RP3", "2025-03-01", price="900.00")
    rental(rp3, moment("2025-03-07"), moment("2025-03-08"), revenue="100", cost="10")
    rp4 = article(fleet, "RP4", "2024-07-01")
    rental(rp4, moment("2024-07-10"), moment("2024-07-12"), revenue="200")
    # sold after 153 days (2024-07-01 -> 2024-12-01): still qualifies for the challenger
    services.article_sell(article=rp4, price="500", occurred_at=moment("2024-12-01"))
    article(fleet, "RP5", "2025-07-05", price="5000.00")  # bought after D: not counted
    rp6 = article(fleet, "RP6", "2024-07-01", allocation="sales")
    income(rp6, moment("2024-07-02"), "1000")  # sales-allocated: not a challenger

    row = sku_figures("RP", "--window", "30")
    # bought on or before D: the latest day is 2025-03-01, the highest price that day 900
    assert row["replacement_price"] == "900.00"
    # 10% x 900
    assert row["renewal_hurdle"] == "90.00"
    # nets per day of use over the first 30 days: RP1 60 / 1 = 60, RP2 30 / 1 = 30,
    # RP3 (100 - 10) / 1 = 90, RP4 200 / 2 = 100 (RP5 was bought after D, RP6 is for
    # sale). Sorted 30, 60, 90, 100: median (60 + 90) / 2 = 75
    assert row["challenger_net_per_day"] == "75.0000"


def test_challenger_net_per_day_is_empty_when_no_article_has_owned_a_window():
    fleet = sku("YNG", selloff_window_days=30)
    article(fleet, "YN1", "2025-06-15")  # 16 days

    row = sku_figures("YNG")
    assert row["challenger_net_per_day"] is None
    # bought 2025-06-15 at 1000: 10%
    assert row["replacement_price"] == "1000.00"
    assert row["renewal_hurdle"] == "100.00"


def test_every_reason_and_flag_is_listed_in_spec_order():
    fleet = sku("FLG", selloff_window_days=30, expected_lifetime_days=300)
    x1 = article(fleet, "X1", "2024-07-01", price="100.00")
    income(x1, moment("2024-08-01"), "150")
    services.inspection_record(article=x1, condition="poor", occurred_at=moment("2025-01-15"))
    x2 = article(fleet, "X2", "2024-07-01")
    income(x2, moment("2025-06-10"), "100")

    # X1: estimated_value at T = 100 x 0.8 x 0.25 = 20.00; at T + W = 20 x g = 19.6365
    #     value_loss = 20 x (1 - g) = 0.3634680242 -> 0.36
    #     trailing_net 0: keep_margin = -0.36 -> earns_less_than_value_loss
    # X2: keep_margin = 100 - 14.5387 = 85.4613
    # surplus: 2 active rental, neither on order in the window: peak 0, 2 - 0 - 1 = 1
    #     -> X1 (lowest keep_margin): surplus_sku
    # X1: idle (no usage), poor_condition, 365 days >= 300: past_expected_lifetime,
    #     net 150 / 100 = 1.5 >= 1: paid_back
    # challenger_net_per_day: no usage in any first window: empty
    assert candidates() == [
        {
            "number": "X1",
            "sku_code": "FLG",
            "store": "Main",
            "reasons": "earns_less_than_value_loss;surplus_sku;idle;poor_condition;"
            "past_expected_lifetime;paid_back",
            "trailing_net": "0.00",
            "value_loss": "0.36",
            "keep_margin": "-0.36",
            "window_usage_days": "0.0000",
            "challenger_margin": None,
            "renewal_gain": None,
            "estimated_value": "20.00",
        }
    ]


def test_trailing_net_counts_the_window_start_and_not_t_and_idle_is_half_open():
    fleet = sku("TRL", selloff_window_days=30, renewal_hurdle="50.00")
    t1 = article(fleet, "T1", "2024-07-01")
    rental(t1, moment("2024-07-02"), moment("2024-07-03"), revenue="100")  # first window
    # ends exactly at T - W = 06-01 00:00: never on order inside [06-01, 07-01)
    rental(t1, moment("2025-05-20"), moment("2025-06-01"), revenue="500")
    income(t1, moment("2025-05-31", 23, 59, 59), "300")  # just before the window
    income(t1, moment("2025-06-01"), "40")  # at the window's start: in
    expense(t1, moment("2025-06-15"), "50")  # in
    income(t1, moment("2025-07-01"), "500")  # at T: out

    # trailing_net = 40 - 50 = -10; keep_margin = -10 - 14.5387209666 = -24.5387209666
    #   -> -24.54: earns_less_than_value_loss
    # surplus: 1 active rental article, peak 0: max(0, 1 - 0 - 1) = 0
    # challenger_net_per_day: 100 / 1 day (first window) = 100; window_usage_days 0
    #   (the rental ending at T - W adds nothing), so challenger_margin =
    #   100 x 0 - 1000 x (1 - g) = -18.1734012082 -> -18.17
    # renewal_gain = -18.1734012082 + 24.5387209666 = 6.3653197584 -> 6.37, not > 50
    # net 100 + 500 + 300 + 40 - 50 = 890 < 1000: not paid back
    assert candidates() == [
        {
            "number": "T1",
            "sku_code": "TRL",
            "store": "Main",
            "reasons": "earns_less_than_value_loss;idle",
            "trailing_net": "-10.00",
            "value_loss": "14.54",
            "keep_margin": "-24.54",
            "window_usage_days": "0.0000",
            "challenger_margin": "-18.17",
            "renewal_gain": "6.37",
            "estimated_value": "800.00",
        }
    ]


def test_candidates_are_sorted_by_keep_margin_across_skus():
    low = sku("LOW", selloff_window_days=30)
    high = sku("HIGH", selloff_window_days=30)
    # no revenue: keep_margin = -value_loss, both earn less than they lose
    article(low, "ZZ-1", "2024-07-01")  # 800 x (1 - g) = 14.54 -> -14.54
    article(high, "AA-1", "2024-07-01", price="400.00")  # 320 x (1 - g) = 5.8155 -> -5.82

    rows = candidates()
    assert [(row["number"], row["keep_margin"]) for row in rows] == [
        ("ZZ-1", "-14.54"),
        ("AA-1", "-5.82"),
    ]


def test_selloff_csv_joins_reasons_with_semicolons():
    fleet = sku("CSVX", selloff_window_days=30)
    article(fleet, "CX-1", "2024-07-01")

    # One article, no events in the window: keep_margin -14.54 (earns less than it
    # loses), idle; surplus max(0, 1 - 0 - 1) = 0; never used, so challenger_net_per_day
    # is empty and challenger_margin and renewal_gain are empty cells.
    assert report_csv("selloff") == [
        "number,sku_code,store,reasons,trailing_net,value_loss,keep_margin,"
        "window_usage_days,challenger_margin,renewal_gain,estimated_value",
        "CX-1,CSVX,Main,earns_less_than_value_loss;idle,0.00,14.54,-14.54,0.0000,,,800.00",
    ]


def test_usage_crossing_the_window_start_is_not_idle():
    fleet = sku("CRS", selloff_window_days=30)
    c1 = article(fleet, "CR-1", "2024-07-01")
    # on order at 06-01 00:00 = T - W; its revenue is booked at its start, before the window
    rental(c1, moment("2025-05-25"), moment("2025-06-03"), revenue="90")

    # trailing_net 0: keep_margin = -14.5387 -> -14.54, earns less than it loses
    # peak in [06-01, 07-01) is 1: surplus max(0, 1 - 1 - 1) = 0
    # window_usage_days: [05-25, 06-03) ∩ [06-01, 07-01) = 2 days
    # challenger_net_per_day: no usage in the first window [2024-07-01, 07-31): empty
    # on order at T - W: not idle
    assert candidates() == [
        {
            "number": "CR-1",
            "sku_code": "CRS",
            "store": "Main",
            "reasons": "earns_less_than_value_loss",
            "trailing_net": "0.00",
            "value_loss": "14.54",
            "keep_margin": "-14.54",
            "window_usage_days": "2.0000",
            "challenger_margin": None,
            "renewal_gain": None,
            "estimated_value": "800.00",
        }
    ]


def test_surplus_larger_than_the_considered_articles_marks_them_all():
    fleet = sku("OLD", selloff_window_days=30)
    o1 = article(fleet, "O1", "2024-07-01")
    income(o1, moment("2025-06-10"), "100")
    article(fleet, "O2", "2025-06-15")  # 16 days: not considered
    article(fleet, "O3", "2025-06-15")

    # surplus: 3 active rental articles, none on order: 3 - 0 - 1 = 2, but only O1 is
    # considered (owned 365 >= 30), so O1 is among the 2 lowest: surplus_sku
    # keep_margin = 100 - 14.5387209666 = 85.4612790334 -> 85.46 (earns more than it loses)
    # challenger_net_per_day: O1, the only one owned a window, was never used: empty
    assert candidates() == [
        {
            "number": "O1",
            "sku_code": "OLD",
            "store": "Main",
            "reasons": "surplus_sku;idle",
            "trailing_net": "100.00",
            "value_loss": "14.54",
            "keep_margin": "85.46",
            "window_usage_days": "0.0000",
            "challenger_margin": None,
            "renewal_gain": None,
            "estimated_value": "800.00",
        }
    ]


def test_trailing_net_window_is_exact_to_the_microsecond():
    fleet = sku("MIC", selloff_window_days=30)
    m1 = article(fleet, "MI-1", "2024-07-01")
    income(m1, moment("2025-05-31", 23, 59, 59, 999_999), "300")  # 1 µs before T - W: out
    income(m1, moment("2025-06-30", 23, 59, 59, 999_999), "5")  # 1 µs before T: in

    # trailing_net = 5; keep_margin = 5 - 14.5387209666 = -9.5387209666 -> -9.54
    # surplus max(0, 1 - 0 - 1) = 0; never used: challenger_net_per_day empty
    # no usage: idle; net 305 < 1000: not paid back
    assert candidates() == [
        {
            "number": "MI-1",
            "sku_code": "MIC",
            "store": "Main",
            "reasons": "earns_less_than_value_loss;idle",
            "trailing_net": "5.00",
            "value_loss": "14.54",
            "keep_margin": "-9.54",
            "window_usage_days": "0.0000",
            "challenger_margin": None,
            "renewal_gain": None,
            "estimated_value": "800.00",
        }
    ]


def test_sku_option_limits_the_candidates_to_that_sku():
    for code in ["KEEP", "SELL"]:
        article(sku(code, selloff_window_days=30), f"{code}-1", "2024-07-01")

    # both earn nothing and lose 14.54 over the window; only SELL is asked for
    assert [row["number"] for row in candidates("--sku", "SELL")] == ["SELL-1"]


def test_renewal_gain_must_exceed_the_hurdle_not_just_reach_it():
    # Window 365 (the default): for articles bought on 2024-07-01 the first window
    # [P, P + 365) is the trailing window [T - 365, T), and every power is whole.
    for code, hurdle in [("EQA", "10.00"), ("EQB", "9.99")]:
        fleet = sku(code, renewal_hurdle=hurdle)
        first = article(fleet, f"{code}-1", "2024-07-01")
        rental(first, moment("2025-03-01"), moment("2025-03-11"), revenue="300")
        second = article(fleet, f"{code}-2", "2024-07-01")
        rental(second, moment("2025-03-05"), moment("2025-03-10"), revenue="200")

    # value_loss = 800 - 640 = 160; keep_margin -1 = 300 - 160 = 140, -2 = 200 - 160 = 40
    # peak 2 (03-05..03-10), 2 active rental: surplus max(0, 2 - 2 - 1) = 0
    # challenger_net_per_day = median(300 / 10 days, 200 / 5 days) = (30 + 40) / 2 = 35
    # a new one's value loss: 1000 x (1 - 0.8) = 200
    # -1: challenger_margin = 35 x 10 - 200 = 150; renewal_gain = 150 - 140 = 10:
    #     not > 10.00 (EQA), but > 9.99 (EQB)
    # -2: challenger_margin = 35 x 5 - 200 = -25; renewal_gain = -25 - 40 = -65
    assert candidates() == [
        {
            "number": "EQB-1",
            "sku_code": "EQB",
            "store": "Main",
            "reasons": "new_one_earns_more",
            "trailing_net": "300.00",
            "value_loss": "160.00",
            "keep_margin": "140.00",
            "window_usage_days": "10.0000",
            "challenger_margin": "150.00",
            "renewal_gain": "10.00",
            "estimated_value": "800.00",
        }
    ]
