"""Renewal judged per day of use (SPEC.md "Sell-off candidates"), worked by hand.

D = 2025-06-30, T = 2025-07-01 00:00 UTC, W = 365 days (the default), so the trailing
window is [2024-07-01, 2025-07-01); r = 0.20. SKU REN, price 1000 each:

- N1, bought 2024-07-01: rented 2024-08-01 -> 08-05 (4 days, revenue 100), an
  adjustment of revenue -20 on 2024-08-06. First window = trailing window.
- N2, bought 2024-07-01: rented 2024-08-02 -> 08-12 (10 days, revenue 300), an
  expense of 50 on 2024-09-12.
- O1, bought 2023-01-01: rented 2023-02-01 -> 02-03 (2 days, revenue 60) in its first
  window, and 2025-03-01 -> 03-05 (4 days, revenue 40) in the trailing one.
- O2, bought 2023-01-01: rented 2024-08-03 -> 08-23 (20 days, revenue 150) only.

Net per day of use in the first window [P, P + W):
N1 (100 - 20) / 4 = 20; N2 (300 - 50) / 10 = 25; O1 60 / 2 = 30; O2 has no usage in
its first window and does not count. challenger_net_per_day = median(20, 25, 30) = 25.

replacement_price = 1000 (the latest purchase, 2024-07-01); renewal_hurdle = 100.
A new one's value loss over W: 1000 × (1 - 0.8 ^ (365 / 365)) = 200.
Peak on order: 3 (N1, N2 and O2 on 2024-08-03 .. 08-05); surplus = 4 - 3 - 1 = 0.
"""

from decimal import Decimal

import pytest

from articles import services
from tests.helpers import moment
from tests.reports.handworked import article, by_key, rental, report, sku

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet():
    code = sku("REN")
    n1 = article(code, "N1", "2024-07-01")
    rental(n1, moment("2024-08-01"), moment("2024-08-05"), "100")
    services.money_record(
        article=n1, kind="adjustment", revenue=Decimal("-20"), occurred_at=moment("2024-08-06")
    )
    n2 = article(code, "N2", "2024-07-01")
    rental(n2, moment("2024-08-02"), moment("2024-08-12"), "300")
    services.money_record(
        article=n2, kind="expense", cost=Decimal("50"), occurred_at=moment("2024-09-12")
    )
    o1 = article(code, "O1", "2023-01-01")
    rental(o1, moment("2023-02-01"), moment("2023-02-03"), "60")
    rental(o1, moment("2025-03-01"), moment("2025-03-05"), "40")
    o2 = article(code, "O2", "2023-01-01")
    rental(o2, moment("2024-08-03"), moment("2024-08-23"), "150")
    return code


def test_challenger_net_per_day_is_the_median_first_window_net_per_day_of_use(fleet):
    row = report("skus")[0]
    assert row["challenger_net_per_day"] == "25.0000"
    assert (row["replacement_price"], row["renewal_hurdle"]) == ("1000.00", "100.00")
    assert (row["peak_on_order"], row["surplus"]) == (3, 0)


def test_each_candidate_is_compared_with_a_new_one_over_its_own_days_of_use(fleet):
    rows = report("selloff")
    assert [row["number"] for row in rows] == ["N1", "O1", "O2"]
    n1, o1, o2 = rows
    # N1: age 365 days; value 1000 × 0.8 = 800.00 now, 1000 × 0.8² = 640.00 in a window.
    # keep = (100 - 20) - 160 = -80; challenger = 25 × 4 - 200 = -100;
    # gain = -100 - (-80) = -20.
    assert n1 == {
        "number": "N1",
        "sku_code": "REN",
        "store": "Main",
        "reasons": "earns_less_than_value_loss",
        "trailing_net": "80.00",
        "value_loss": "160.00",
        "keep_margin": "-80.00",
        "window_usage_days": "4.0000",
        "challenger_margin": "-100.00",
        "renewal_gain": "-20.00",
        "estimated_value": "800.00",
    }
    # O1, O2: age 912 days; 1000 × 0.8 ^ (912 / 365) = 572.6084... -> 572.61, and
    # 1000 × 0.8 ^ (1277 / 365) = 458.0867... -> 458.09: value_loss 114.52.
    # O1: keep = 40 - 114.52 = -74.52; challenger = 25 × 4 - 200 = -100;
    # gain = -100 + 74.52 = -25.48.
    assert (o1["keep_margin"], o1["window_usage_days"]) == ("-74.52", "4.0000")
    assert (o1["challenger_margin"], o1["renewal_gain"]) == ("-100.00", "-25.48")
    assert o1["reasons"] == "earns_less_than_value_loss"
    # O2: keep = 150 - 114.52 = 35.48; challenger = 25 × 20 - 200 = 300;
    # gain = 300 - 35.48 = 264.52 > 100: renew.
    assert (o2["keep_margin"], o2["window_usage_days"]) == ("35.48", "20.0000")
    assert (o2["challenger_margin"], o2["renewal_gain"]) == ("300.00", "264.52")
    assert o2["reasons"] == "new_one_earns_more"
    # N2 is no candidate: keep = 250 - 160 = 90; challenger = 25 × 10 - 200 = 50;
    # gain = -40.
    assert "N2" not in by_key(rows)


def test_challenger_figures_are_empty_when_no_article_was_used_in_its_first_window():
    code = sku("IDLE")
    old = article(code, "I1", "2023-01-01")
    # Used only in the trailing window: no first-window usage anywhere.
    rental(old, moment("2025-03-01"), moment("2025-03-03"), "10")
    assert report("skus")[0]["challenger_net_per_day"] is None
    (row,) = report("selloff")
    assert row["window_usage_days"] == "2.0000"
    assert (row["challenger_margin"], row["renewal_gain"]) == (None, None)
