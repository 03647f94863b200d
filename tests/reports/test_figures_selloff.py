"""Sell-off candidates (SPEC.md "Sell-off candidates"), worked out by hand.

UTC, D = 2025-06-30, T = 2025-07-01 00:00, W = 365 days so T - W = 2024-07-01 00:00,
r = 0.20. Estimated values are rounded to the cent before they are subtracted:

    age 365 days: 1000 × 0.8 ^ 1 = 800.00;      at T + W: 1000 × 0.8 ^ 2 = 640.00
    age 547 days: 1000 × 0.8 ^ (547/365) = 715.76; at T + W: 572.61 (value_loss 143.15)
    age 912 days, poor (× 0.25): 143.15;        at T + W: 114.52 (value_loss 28.63)
"""

import datetime as dt
from decimal import Decimal

import pytest

from articles import services
from articles.models import Article
from reports.figures import selloff_candidates
from tests.factories import SKUFactory, StoreFactory
from tests.helpers import bought, moment

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 6, 30)


def rent(article: Article, start: str, end: str, revenue: str = "0") -> None:
    services.usage_start(
        article=article, started_at=moment(start), ended_at=moment(end), revenue=revenue
    )


def candidates(**kwargs) -> dict[str, dict]:
    return {row["number"]: row for row in selloff_candidates(as_of=AS_OF, **kwargs)}


def test_an_article_earning_less_than_its_value_loss_is_a_candidate():
    sku = SKUFactory.create(code="EARN", replacement_price=Decimal("1000.00"))
    weak = bought(sku, "A-1", "2024-07-01")
    rent(weak, "2025-01-01", "2025-01-10", revenue="100")
    strong = bought(sku, "A-2", "2024-07-01")
    rent(strong, "2025-01-05", "2025-01-08", revenue="200")
    rows = candidates()
    # Peak 2 (the rentals overlap), 2 active: surplus 0.
    # trailing 100 - (800 - 640) = -60: it earns less than it loses.
    # Net per day of use in the first window (here the trailing one): A-1 100 / 9,
    # A-2 200 / 3; median (100 / 9 + 600 / 9) / 2 = 350 / 9 = 38.89.
    # A-1's challenger: 350 / 9 × 9 days - 1000 × (1 - 0.8) = 350 - 200 = 150;
    # renewal gain 150 - (-60) = 210 > hurdle 100: a new one would earn more, too.
    # keep 200 - 160 = 40; challenger 350 / 9 × 3 - 200 = -83.33: no candidate.
    assert list(rows) == ["A-1"]
    assert rows["A-1"] == {
        "number": "A-1",
        "sku_code": "EARN",
        "store": weak.store.name,
        "reasons": ["earns_less_than_value_loss", "new_one_earns_more"],
        "trailing_net": Decimal("100.00"),
        "value_loss": Decimal("160.00"),
        "keep_margin": Decimal("-60.00"),
        "window_usage_days": Decimal("9"),
        "challenger_margin": Decimal("150.00"),
        "renewal_gain": Decimal("210.00"),
        "estimated_value": Decimal("800.00"),
    }


def test_surplus_sku_flags_its_weakest_articles_ties_by_number():
    sku = SKUFactory.create(code="SURP", replacement_price=Decimal("1000.00"))
    # Three articles bought 2024-01-01 (age 547 days, value_loss 143.15), each rented
    # once in the window, never two at once: peak 1, surplus 3 - 1 - 1 = 1.
    for number, month, revenue in (
        ("S-3", "01", "300"),
        ("S-2", "02", "300"),
        ("S-1", "03", "500"),
    ):
        rent(bought(sku, number, "2024-01-01"), f"2025-{month}-01", f"2025-{month}-05", revenue)
    rows = candidates()
    # keep margins: S-1 356.85, S-2 and S-3 156.85 (tie: S-2 by number).
    assert list(rows) == ["S-2"]
    assert rows["S-2"]["keep_margin"] == Decimal("156.85")
    assert rows["S-2"]["reasons"] == ["surplus_sku"]


def test_new_one_earns_more_when_the_sku_has_no_surplus():
    sku = SKUFactory.create(code="RENEW", replacement_price=Decimal("1000.00"))
    old = bought(sku, "N-1", "2023-07-01")
    rent(old, "2023-08-01", "2023-08-11", revenue="900")
    rent(old, "2025-03-01", "2025-03-11", revenue="200")
    gone = bought(sku, "N-2", "2023-07-01")
    rent(gone, "2023-09-01", "2023-09-06", revenue="1500")
    services.article_sell(article=gone, price="300", occurred_at=moment("2024-12-01"))
    rows = candidates()
    # N-1, age 731 days: value_loss 639.61 - 511.69 = 127.92; keep 200 - 127.92 = 72.08.
    # Net per day of use in the first window [P, P + 365): N-1 900 / 10 = 90, N-2
    # 1500 / 5 = 300 (sold after 519 days: it owned a whole window); median 195.
    # N-1's challenger: 195 × 10 days - 1000 × (1 - 0.8) = 1750;
    # gain 1750 - 72.08 = 1677.92 > 100. Surplus max(0, 1 - 1 - 1) = 0.
    # It is paid back (900 + 200 = 1100 >= 1000).
    assert rows["N-1"]["keep_margin"] == Decimal("72.08")
    assert rows["N-1"]["challenger_margin"] == Decimal("1750.00")
    assert rows["N-1"]["renewal_gain"] == Decimal("1677.92")
    assert rows["N-1"]["reasons"] == ["new_one_earns_more", "paid_back"]
    assert "N-2" not in rows  # sold: not considered


def test_reasons_are_listed_in_spec_order():
    sku = SKUFactory.create(code="ALL", expected_lifetime_days=900)
    worn = bought(sku, "W-1", "2023-01-01")  # age 912 days
    rent(worn, "2023-02-01", "2023-02-05", revenue="2000")
    services.money_record(
        article=worn, kind="expense", cost="310", occurred_at=moment("2025-02-01")
    )
    services.inspection_record(article=worn, condition="poor", occurred_at=moment("2025-03-01"))
    (row,) = selloff_candidates(as_of=AS_OF)
    # keep: -310 - 28.63 = -338.63. Replacement: its own price 1000; net per day of
    # use in its first window 2000 / 4 = 500, but it was idle in the trailing one:
    # challenger 500 × 0 - 1000 × (1 - 0.8) = -200; gain -200 + 338.63 = 138.63 > 100.
    # Surplus max(0, 1 - 0 - 1) = 0. Net 2000 - 310 = 1690 >= 1000: paid back.
    assert row["keep_margin"] == Decimal("-338.63")
    assert row["challenger_margin"] == Decimal("-200.00")
    assert row["renewal_gain"] == Decimal("138.63")
    assert row["estimated_value"] == Decimal("143.15")
    assert row["reasons"] == [
        "earns_less_than_value_loss",
        "new_one_earns_more",
        "idle",
        "poor_condition",
        "past_expected_lifetime",
        "paid_back",
    ]


def test_only_active_or_out_of_use_rental_articles_owned_a_whole_window_are_considered():
    sku = SKUFactory.create(code="CONS", replacement_price=Decimal("1000.00"))
    bought(sku, "C-young", "2024-07-02")  # owned 364 days
    bought(sku, "C-sales", "2024-01-01", allocation="sales")
    lost = bought(sku, "C-lost", "2024-01-01")
    services.article_report_lost(article=lost, occurred_at=moment("2025-06-01"))
    bought(sku, "C-out", "2024-07-01", status="out_of_use")
    # Nothing earns anything: every considered article has keep_margin < 0.
    assert list(candidates()) == ["C-out"]
    # A window of 30 days considers the young one too.
    assert sorted(candidates(window_days=30)) == ["C-out", "C-young"]


def test_candidates_are_sorted_by_keep_margin_then_number():
    sku = SKUFactory.create(code="SORT", replacement_price=Decimal("1000.00"))
    for number, revenue in (("Z-1", "50"), ("B-1", "100"), ("A-1", "100")):
        article = bought(sku, number, "2024-07-01")
        # All on order together: peak 3, no surplus.
        rent(article, "2025-01-01", "2025-01-10", revenue)
    rows = selloff_candidates(as_of=AS_OF)
    assert [(row["number"], row["keep_margin"]) for row in rows] == [
        ("Z-1", Decimal("-110.00")),
        ("A-1", Decimal("-60.00")),
        ("B-1", Decimal("-60.00")),
    ]


def test_selloff_query_count_does_not_grow(django_assert_max_num_queries):
    store = StoreFactory.create()
    sku = SKUFactory.create(code="MANY")
    for index in range(25):
        bought(sku, f"M-{index:02d}", "2024-01-01", store=store)
    # As sku_figures: four statements, three more on PostgreSQL.
    with django_assert_max_num_queries(7):
        rows = selloff_candidates(as_of=AS_OF)
    assert len(rows) == 25
