"""Per-article figures (SPEC.md "Figures"), worked out by hand, edge cases first.

Unless a test says otherwise the installation is in UTC, the as-of date D is
2025-06-30, so T = 2025-07-01 00:00, and the SKU's depreciation rate is the default
0.20. Fractional powers in the comments were worked out with Python's Decimal.
"""

import datetime as dt
from decimal import Decimal

import pytest

from articles import services
from articles.models import Article, Event, EventKind, Status
from reports.figures import article_figures, sku_figures
from tests.factories import ArticleFactory, EventFactory, SKUFactory, StoreFactory
from tests.helpers import bought, moment

pytestmark = pytest.mark.django_db

AS_OF = dt.date(2025, 6, 30)


def new_article(number="A-1", purchased_on="2025-01-01", price="1000.00", **fields) -> Article:
    sku = fields.pop("sku", None) or SKUFactory.create(code="BIKE")
    return bought(sku, number, purchased_on, price, **fields)


def figures_of(article: Article, as_of: dt.date = AS_OF) -> dict:
    (row,) = article_figures(as_of=as_of, articles=Article.objects.filter(pk=article.pk))
    return row


def rounded(value: Decimal, places: int = 4) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places))


def test_open_usage_crossing_t_counts_up_to_t():
    article = new_article()
    # 2.5 days completed, then an open rental from 29 June 12:00: 1.5 days up to T.
    services.usage_start(
        article=article, started_at=moment("2025-03-01", 10), ended_at=moment("2025-03-03", 22)
    )
    services.usage_start(article=article, started_at=moment("2025-06-29", 12), revenue="50")
    figures = figures_of(article)
    assert figures["usage_count"] == 2
    assert figures["usage_days"] == Decimal("4")
    # P = 1 Jan, E = T = 1 Jul: 181 days; 4 / 181 = 0.02209...
    assert figures["owned_days"] == Decimal("181")
    assert rounded(figures["utilization"]) == Decimal("0.0221")


def test_money_figures_of_a_plain_article():
    article = new_article()
    services.usage_start(
        article=article,
        started_at=moment("2025-03-01"),
        ended_at=moment("2025-03-02"),
        revenue="100.00",
    )
    services.money_record(
        article=article, kind="expense", cost="30.00", occurred_at=moment("2025-04-01")
    )
    services.money_record(
        article=article, kind="income", revenue="0.10", occurred_at=moment("2025-04-02")
    )
    figures = figures_of(article)
    assert figures["revenue"] == Decimal("100.10")
    assert figures["expenses"] == Decimal("30.00")
    assert figures["net"] == Decimal("70.10")
    assert rounded(figures["payback_ratio"]) == Decimal("0.0701")
    assert figures["paid_back_on"] is None
    assert figures["sale_proceeds"] == Decimal("0.00")
    assert figures["lifetime_profit"] == Decimal("-929.90")
    assert rounded(figures["dollar_utilization"]) == Decimal("0.1001")
    # 1000 × 0.8 ^ (181 / 365) × 1.00 (new) = 895.2477... → 895.25
    assert figures["estimated_value"] == Decimal("895.25")
    assert figures["sku_code"] == "BIKE"


def test_usage_before_the_purchase_day_counts_from_p():
    article = new_article(purchased_on="2025-01-10")
    services.usage_start(
        article=article, started_at=moment("2025-01-08"), ended_at=moment("2025-01-12", 12)
    )
    figures = figures_of(article)
    # [8 Jan, 12 Jan 12:00) ∩ [10 Jan, T) = 2.5 days.
    assert figures["usage_days"] == Decimal("2.5")
    assert figures["usage_count"] == 1


def test_usage_continuing_after_disposal_counts_up_to_e():
    # Only possible in imported history, so laid out by factories.
    sku = SKUFactory.create(code="OLD")
    article = ArticleFactory.create(
        sku=sku,
        purchased_on=dt.date(2025, 1, 1),
        purchase_price=Decimal("100.00"),
        status=Status.SOLD,
        disposed_at=moment("2025-02-01"),
    )
    EventFactory.create(
        article=article,
        kind=EventKind.RENTAL,
        occurred_at=moment("2025-01-30"),
        ended_at=moment("2025-02-10"),
        revenue=Decimal("20.00"),
    )
    EventFactory.create(
        article=article,
        kind=EventKind.SALE,
        occurred_at=moment("2025-02-01"),
        revenue=Decimal("60"),
    )
    figures = figures_of(article)
    # [30 Jan, 10 Feb) ∩ [1 Jan, 1 Feb) = 2 days; owned 31 days.
    assert figures["usage_days"] == Decimal("2")
    assert figures["owned_days"] == Decimal("31")
    assert figures["revenue"] == Decimal("20.00")
    assert figures["sale_proceeds"] == Decimal("60.00")
    # 20 - 0 + 60 - 100
    assert figures["lifetime_profit"] == Decimal("-20.00")
    assert figures["estimated_value"] == Decimal("0.00")


def test_disposal_before_t_ends_ownership_and_value():
    article = new_article(price="500.00")
    services.usage_start(
        article=article,
        started_at=moment("2025-02-01"),
        ended_at=moment("2025-02-05"),
        revenue="80",
    )
    services.article_retire(article=article, occurred_at=moment("2025-05-01", 12), cost="15.00")
    figures = figures_of(article)
    # 1 Jan → 1 May 12:00 = 120.5 days.
    assert figures["owned_days"] == Decimal("120.5")
    assert rounded(figures["utilization"]) == Decimal("0.0332")  # 4 / 120.5
    assert figures["expenses"] == Decimal("15.00")
    assert figures["estimated_value"] == Decimal("0.00")
    # Before the retirement the article was worth something as of 30 April.
    assert figures_of(article, dt.date(2025, 4, 30))["estimated_value"] > 0
    assert figures_of(article, dt.date(2025, 4, 30))["expenses"] == Decimal("0.00")


def test_buy_out_ends_the_usage_and_its_price_is_sale_proceeds_not_revenue():
    article = new_article(price="400.00")
    services.usage_start(article=article, started_at=moment("2025-06-01"), revenue="40")
    services.article_sell(article=article, price="350.00", occurred_at=moment("2025-06-11", 6))
    figures = figures_of(article)
    assert figures["usage_days"] == Decimal("10.25")
    assert figures["revenue"] == Decimal("40.00")
    assert figures["sale_proceeds"] == Decimal("350.00")
    # 40 + 350 - 400
    assert figures["lifetime_profit"] == Decimal("-10.00")
    assert figures["dollar_utilization"] == Decimal("0.1")


def test_loss_while_on_order_ends_the_usage_and_insurance_is_revenue():
    article = new_article(price="200.00")
    services.usage_start(article=article, started_at=moment("2025-06-01"), revenue="20")
    services.article_report_lost(article=article, occurred_at=moment("2025-06-04"), revenue="150")
    figures = figures_of(article)
    assert figures["usage_days"] == Decimal("3")
    assert figures["revenue"] == Decimal("170.00")
    # 1 Jan → 4 Jun = 154 days.
    assert figures["owned_days"] == Decimal("154")
    assert figures["estimated_value"] == Decimal("0.00")


def test_lost_then_found_is_disposed_only_while_lost():
    article = new_article(price="100.00")
    services.article_report_lost(article=article, occurred_at=moment("2025-03-01"))
    services.article_found(article=article, occurred_at=moment("2025-04-01"))
    while_lost = figures_of(article, dt.date(2025, 3, 15))
    # Disposed at T (15 Mar): owned from 1 Jan to the loss on 1 Mar, no value.
    assert while_lost["owned_days"] == Decimal("59")
    assert while_lost["estimated_value"] == Decimal("0.00")
    after = figures_of(article)
    assert after["owned_days"] == Decimal("181")
    # 100 × 0.8 ^ (181/365) = 89.5247...
    assert after["estimated_value"] == Decimal("89.52")


def test_purchase_price_zero_leaves_ratios_empty():
    article = new_article(price="0")
    services.money_record(
        article=article, kind="income", revenue="10", occurred_at=moment("2025-02-01")
    )
    figures = figures_of(article)
    assert figures["payback_ratio"] is None
    assert figures["paid_back_on"] is None
    assert figures["dollar_utilization"] is None
    assert figures["lifetime_profit"] == Decimal("10.00")
    assert figures["estimated_value"] == Decimal("0.00")


def test_events_exactly_at_t_do_not_count():
    article = new_article()
    services.usage_start(
        article=article,
        started_at=moment("2025-06-30", 12),
        ended_at=moment("2025-07-01"),
        revenue="7",
    )
    services.money_record(
        article=article, kind="income", revenue="99", occurred_at=moment("2025-07-01")
    )
    services.usage_start(article=article, started_at=moment("2025-07-01"), revenue="5")
    figures = figures_of(article)
    # The rental ending exactly at T counts whole; the income and rental at T do not.
    assert figures["usage_count"] == 1
    assert figures["usage_days"] == Decimal("0.5")
    assert figures["revenue"] == Decimal("7.00")


def test_paid_back_on_is_the_date_the_running_net_reaches_the_price():
    article = new_article(price="100.00")
    for day, revenue in (("2025-02-01", "60"), ("2025-03-01", "40"), ("2025-04-01", "10")):
        services.money_record(
            article=article, kind="income", revenue=revenue, occurred_at=moment(day, 9)
        )
    services.money_record(
        article=article, kind="expense", cost="20", occurred_at=moment("2025-03-01", 8)
    )
    # Running net: 60, 40 (1 Mar 08:00), 80 (1 Mar 09:00), 90 (1 Apr): never 100 before...
    services.money_record(
        article=article, kind="income", revenue="10", occurred_at=moment("2025-05-05")
    )
    # ... 100 on 5 May.
    figures = figures_of(article)
    assert figures["paid_back_on"] == dt.date(2025, 5, 5)
    assert figures["payback_ratio"] == Decimal("1")
    assert figures_of(article, dt.date(2025, 5, 4))["paid_back_on"] is None


def test_sale_revenue_does_not_pay_an_article_back():
    article = new_article(price="100.00")
    services.article_sell(article=article, price="500", occurred_at=moment("2025-02-01"))
    figures = figures_of(article)
    assert figures["paid_back_on"] is None
    assert figures["lifetime_profit"] == Decimal("400.00")


def test_dollar_utilization_counts_the_last_365_days_only():
    article = new_article(purchased_on="2024-01-01", price="200.00")
    services.money_record(
        article=article, kind="income", revenue="50", occurred_at=moment("2024-06-30")
    )
    services.money_record(
        article=article, kind="income", revenue="30", occurred_at=moment("2024-07-01")
    )
    # T - 365 days = 2024-07-01 00:00 (2024 is a leap year): only the 30 counts.
    figures = figures_of(article)
    assert figures["dollar_utilization"] == Decimal("0.15")
    assert figures["revenue"] == Decimal("80.00")


def test_estimated_value_uses_the_current_condition_and_the_skus_rate():
    sku = SKUFactory.create(code="SKI", depreciation_rate=Decimal("0.5"))
    article = new_article(sku=sku, purchased_on="2024-07-01", price="800.00")
    services.inspection_record(article=article, condition="fair", occurred_at=moment("2025-01-01"))
    # 365 days old: 800 × 0.5 ^ 1 × 0.50 = 200.
    assert figures_of(article)["estimated_value"] == Decimal("200.00")


def test_article_purchased_after_the_as_of_date_is_in_no_report():
    article = new_article(purchased_on="2025-08-01", price="300.00")
    only_it = Article.objects.filter(pk=article.pk)
    assert article_figures(as_of=AS_OF, articles=only_it) == []
    (sku_row,) = sku_figures(as_of=AS_OF)
    assert (sku_row["articles"], sku_row["active"], sku_row["purchase_total"]) == (
        0,
        0,
        Decimal("0.00"),
    )
    # As of its purchase day it is there: T = 2025-08-02 00:00, one day owned,
    # 300 x 0.8 ^ (1 / 365) = 299.8167... -> 299.82.
    figures = figures_of(article, as_of=dt.date(2025, 8, 1))
    assert figures["owned_days"] == Decimal("1")
    assert figures["estimated_value"] == Decimal("299.82")


def test_evening_event_in_a_non_utc_installation(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    article = new_article(price="100.00")
    # 23:30 on 30 June in Berlin is 21:30 UTC, before T (1 July 00:00 CEST = 22:00 UTC).
    services.money_record(
        article=article, kind="income", revenue="100", occurred_at=moment("2025-06-30", 23, 30)
    )
    # 00:30 on 1 July in Berlin is after T.
    services.money_record(
        article=article, kind="income", revenue="5", occurred_at=moment("2025-07-01", 0, 30)
    )
    figures = figures_of(article)
    assert figures["revenue"] == Decimal("100.00")
    assert figures["paid_back_on"] == dt.date(2025, 6, 30)
    # P = 1 Jan 00:00 CET, T = 1 Jul 00:00 CEST: 181 days less the hour of summer time.
    assert figures["owned_days"] == Decimal(181 * 86400 - 3600) / 86400


def test_paid_back_on_is_a_local_date(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    article = new_article(price="10.00")
    # 00:30 on 15 June in Berlin is still 14 June in UTC.
    services.money_record(
        article=article, kind="income", revenue="10", occurred_at=moment("2025-06-15", 0, 30)
    )
    assert figures_of(article)["paid_back_on"] == dt.date(2025, 6, 15)


def test_all_articles_sorted_by_number_with_disposed_ones():
    sku = SKUFactory.create(code="X")
    for number in ("B-2", "A-9", "C-1"):
        new_article(number=number, sku=sku)
    services.article_sell(
        article=Article.objects.get(number="C-1"), price="1", occurred_at=moment("2025-02-01")
    )
    assert [row["number"] for row in article_figures(as_of=AS_OF)] == ["A-9", "B-2", "C-1"]


def test_one_page_of_a_sliced_queryset():
    sku = SKUFactory.create(code="P")
    for index in range(5):
        new_article(number=f"P-{index}", sku=sku)
    page = Article.objects.order_by("number")[2:4]
    assert [row["number"] for row in article_figures(as_of=AS_OF, articles=page)] == [
        "P-2",
        "P-3",
    ]


def test_article_figures_query_count_does_not_grow(django_assert_max_num_queries):
    sku = SKUFactory.create(code="Q")
    store = StoreFactory.create()
    for index in range(25):
        article = new_article(number=f"Q-{index:02d}", sku=sku, store=store)
        services.usage_start(
            article=article,
            started_at=moment("2025-02-01"),
            ended_at=moment("2025-02-02"),
            revenue="5",
        )
    # One statement (two in a zone with summer time); on PostgreSQL also the
    # savepoint, its release and the SET LOCAL of the report transaction.
    with django_assert_max_num_queries(4):
        rows = article_figures(as_of=AS_OF)
    assert len(rows) == 25
    assert Event.objects.count() == 50
