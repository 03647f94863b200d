"""The SKU pages: the list with its counts, figures, filters and ordering; one SKU with
its figures, charts, articles and catalog items; adding and editing a SKU through the
services. Money is for who may see it; every POST checks its permission."""

import datetime as dt
import json
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Allocation, Status
from catalog_link.models import CatalogItemKind
from catalog_link.services import catalog_item_save
from reports.figures import SKU_FIGURES, sku_figures
from reports.figures.survival import kaplan_meier_curve, kaplan_meier_median
from skus.models import SKU
from skus.selectors import STATUS_COUNTS
from skus.views import MONEY_FIGURES, USE_FIGURES
from tests.factories import ArticleFactory, SKUFactory, StoreFactory
from tests.helpers import bought, moment

pytestmark = pytest.mark.django_db

LIST = reverse("skus:list")
ADD = reverse("skus:add")


def detail(code: str) -> str:
    return reverse("skus:detail", args=[code])


def edit(code: str) -> str:
    return reverse("skus:edit", args=[code])


def days_before_t(days: int) -> str:
    """The date ``days`` days before T (the start of tomorrow): an article bought then
    has been owned exactly ``days`` days by T."""
    return (timezone.localdate() + dt.timedelta(days=1 - days)).isoformat()


@pytest.fixture
def as_manager(client, manager):
    client.force_login(manager)
    return client


@pytest.fixture
def as_viewer(client, viewer):
    client.force_login(viewer)
    return client


@pytest.fixture
def fleet():
    """CITY-M: two active (one on order now), one out of use, one sold, one retired,
    one lost; each bought for 500.00, the rented one earned 40.00."""
    store = StoreFactory.create(name="Centre")
    sku = SKUFactory.create(code="CITY-M", name="City bike M")
    articles = {
        name: bought(sku, f"CITY-M-{index:04d}", days_before_t(200), "500.00", store=store)
        for index, name in enumerate(("rented", "idle", "down", "sold", "retired", "lost"), 1)
    }
    services.usage_start(
        article=articles["rented"], started_at=moment(days_before_t(3)), revenue="40"
    )
    services.article_status_change(article=articles["down"], status=Status.OUT_OF_USE)
    gone = moment(days_before_t(100))
    services.article_sell(article=articles["sold"], price="300", occurred_at=gone)
    services.article_retire(article=articles["retired"], occurred_at=gone)
    services.article_report_lost(article=articles["lost"], occurred_at=gone)
    return sku


# --- the list ---------------------------------------------------------------------------


def row_of(response, code: str) -> Any:
    """The SKU's row of the list, with its counts."""
    return next(
        row.record for row in response.context["table"].page.object_list if row.record.code == code
    )


def test_the_list_counts_articles_by_status_worked_by_hand(as_viewer, fleet):
    response = as_viewer.get(LIST)

    sku = row_of(response, "CITY-M")
    counts = (sku.articles_count, sku.active, sku.on_order, sku.out_of_use)
    assert counts == (6, 2, 1, 1)
    assert (sku.sold, sku.retired, sku.lost) == (1, 1, 1)


def test_the_list_shows_a_manager_the_figures_of_the_sku_report(as_manager, fleet):
    response = as_manager.get(LIST)

    text = response.content.decode()
    # Revenue: the rental's 40.00 (the sale's 300.00 is proceeds, not revenue).
    assert "Revenue per article (EUR)" in text
    assert ">40.00<" in text
    assert ">6.67<" in text  # 40.00 / 6 articles
    (row,) = sku_figures(skus=SKU.objects.filter(code="CITY-M"))
    assert response.context["table"].figures["CITY-M"] == row


def test_the_list_shows_a_viewer_no_money(as_viewer, fleet):
    SKU.objects.update(replacement_price=Decimal("799.00"))

    text = as_viewer.get(LIST).content.decode()

    assert "Revenue" not in text
    assert "EUR" not in text
    assert "replacement" not in text.lower()
    assert "Depreciation 20 % a year (default)" in text


def test_the_list_runs_the_same_queries_for_25_skus_as_for_60(
    as_manager, django_assert_max_num_queries
):
    store = StoreFactory.create()

    def add_skus(count: int, start: int) -> None:
        for index in range(start, start + count):
            sku = SKUFactory.create(code=f"SKU-{index:03d}")
            ArticleFactory.create_batch(2, sku=sku, store=store)

    add_skus(25, 0)
    with CaptureQueriesContext(connection) as few:
        as_manager.get(LIST)
    add_skus(35, 25)
    with django_assert_max_num_queries(len(few)):
        response = as_manager.get(LIST)
    assert len(response.context["table"].page.object_list) == 50
    # On PostgreSQL the first list of the day also keeps the SKUs' figures (a lock,
    # a second read, the insert): a fixed number of statements more.
    assert len(few) <= 30


def test_the_list_filters_by_words_and_by_catalog(as_viewer, fleet):
    SKUFactory.create(code="SKI-170", name="All-mountain ski", description="Carving, 170 cm")
    catalog_item_save(
        code="RENT-CITY",
        name="City bike",
        kind=CatalogItemKind.PRODUCT,
        purpose=Allocation.RENTAL,
        slots=[(1, [fleet])],
    )

    def codes(query: dict) -> list[str]:
        response = as_viewer.get(LIST, query)
        return [row.record.code for row in response.context["table"].page.object_list]

    assert codes({"q": "carving"}) == ["SKI-170"]
    assert codes({"catalog": "used"}) == ["CITY-M"]
    assert codes({"catalog": "unused"}) == ["SKI-170"]


def test_the_list_sorts_by_a_count(as_viewer, fleet):
    SKUFactory.create(code="AAA-EMPTY")

    response = as_viewer.get(LIST, {"sort": "-articles_count"})

    assert [row.record.code for row in response.context["table"].page.object_list] == [
        "CITY-M",
        "AAA-EMPTY",
    ]


@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "999"},
        {"page": "-1"},
        {"sort": "zzz"},
        {"sort": "parameters"},
        {"per_page": "0"},
        {"catalog": "nonsense"},
    ],
)
def test_the_list_takes_bad_parameters_without_an_error(as_manager, fleet, query):
    response = as_manager.get(LIST, query)

    assert response.status_code == 200


def test_the_list_needs_a_login(client):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- one SKU ----------------------------------------------------------------------------


def test_the_sku_page_is_found_whatever_the_case_of_the_code(as_viewer, fleet):
    response = as_viewer.get(detail("city-m"))

    assert response.status_code == 200
    assert response.context["sku"] == fleet


def test_an_unknown_sku_is_a_404(as_manager):
    assert as_manager.get(detail("NOPE")).status_code == 404
    assert as_manager.get(edit("NOPE")).status_code == 404
    assert as_manager.post(edit("NOPE"), {}).status_code == 404


def test_the_sku_page_counts_articles_by_status(as_viewer, fleet):
    response = as_viewer.get(detail("CITY-M"))

    assert response.context["counts"] == [
        ("Articles", 6),
        ("Active", 2),
        ("On order now", 1),
        ("Out of use", 1),
        ("Sold", 1),
        ("Retired", 1),
        ("Lost", 1),
    ]


def test_the_sku_page_shows_a_manager_the_money_and_every_button(as_manager, fleet):
    response = as_manager.get(detail("CITY-M"))

    text = response.content.decode()
    money = dict(response.context["money_figures"])
    assert money["Revenue"] == "40.00 EUR"
    assert money["Purchase total"] == "3,000.00 EUR"
    assert "Purchase price" in text
    assert f"{reverse('articles:add_batch')}?sku=CITY-M" in text
    assert edit("CITY-M") in text
    assert f"{reverse('labels')}?sku=CITY-M" in text


def test_the_sku_page_shows_a_viewer_no_money_and_no_editing(as_viewer, fleet):
    response = as_viewer.get(detail("CITY-M"))

    text = response.content.decode()
    assert response.context["money_figures"] == []
    assert "EUR" not in text
    assert "Purchase price" not in text
    assert "Replacement price" not in text
    assert edit("CITY-M") not in text
    assert reverse("articles:add_batch") not in text
    assert f"{reverse('labels')}?sku=CITY-M" in text
    # Lifetimes are not money: a viewer sees them.
    assert dict(response.context["use_figures"])["Gone"] == "3"


def test_the_sku_page_links_its_articles_and_catalog_items(as_viewer, fleet):
    catalog_item_save(
        code="RENT-CITY",
        name="City bike",
        kind=CatalogItemKind.PRODUCT,
        purpose=Allocation.RENTAL,
        slots=[(1, [fleet])],
    )

    text = as_viewer.get(detail("CITY-M")).content.decode()

    assert reverse("articles:detail", args=["CITY-M-0001"]) in text
    assert reverse("catalog_link:detail", args=["RENT-CITY"]) in text


def test_the_sku_page_runs_the_same_queries_for_30_articles_as_for_60(
    as_manager, django_assert_max_num_queries
):
    sku = SKUFactory.create(code="TENT-3P")
    store = StoreFactory.create()
    ArticleFactory.create_batch(30, sku=sku, store=store)
    with CaptureQueriesContext(connection) as few:
        as_manager.get(detail("TENT-3P"))
    ArticleFactory.create_batch(30, sku=sku, store=store)
    with django_assert_max_num_queries(len(few)):
        response = as_manager.get(detail("TENT-3P"))
    assert len(response.context["articles"].page.object_list) == 50
    assert len(few) <= 14


def test_the_article_table_of_a_sku_takes_a_bad_page_and_sort(as_manager, fleet):
    response = as_manager.get(detail("CITY-M"), {"articles-page": "abc", "articles-sort": "zzz"})

    assert response.status_code == 200


@pytest.fixture
def censored():
    """Lifetimes in days: 10 (retired), 15 (still owned), 20 (retired), 30 (sold),
    40 (still owned)."""
    sku = SKUFactory.create(code="KM")
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
                article=article, price="1", occurred_at=moment(purchased) + dt.timedelta(days=life)
            )
    return sku


def test_the_survival_chart_is_the_kaplan_meier_curve_worked_by_hand(as_viewer, censored):
    response = as_viewer.get(detail("KM"))

    charts = response.context["charts"]
    # t=10: n=5, d=1, S = 4/5; t=20: n=3, S = 8/15; t=30: n=2, S = 4/15.
    assert [(s.time, s.at_risk, s.disposed, s.survival) for s in charts.survival] == [
        (Decimal(10), 5, 1, Fraction(4, 5)),
        (Decimal(20), 3, 1, Fraction(8, 15)),
        (Decimal(30), 2, 1, Fraction(4, 15)),
    ]
    # Drawn from 1 at day 0, held after the last disposal to the longest life (40).
    assert response.context["chart_data"]["survival"] == [
        {"x": 0.0, "y": 1.0},
        {"x": 10.0, "y": 0.8},
        {"x": 20.0, "y": 0.5333},
        {"x": 30.0, "y": 0.2667},
        {"x": 40.0, "y": 0.2667},
    ]
    embedded = re.search(r'id="sku-chart-data"[^>]*>([^<]*)<', response.content.decode())
    assert embedded is not None
    data = json.loads(embedded.group(1))
    assert data == response.context["chart_data"]


def test_the_survival_curve_crosses_one_half_at_the_kaplan_meier_median(censored):
    lifetimes = [(Decimal(10), True), (Decimal(15), False), (Decimal(20), True)]
    lifetimes += [(Decimal(30), True), (Decimal(40), False)]

    crossing = next(s.time for s in kaplan_meier_curve(lifetimes) if s.survival <= Fraction(1, 2))

    assert crossing == kaplan_meier_median(lifetimes) == Decimal(30)
    (row,) = sku_figures(skus=SKU.objects.filter(code="KM"))
    assert row["km_median_lifetime_days"] == crossing


def test_the_histograms_count_the_disposed_articles_in_their_bins(as_viewer, censored):
    response = as_viewer.get(detail("KM"))

    data = response.context["chart_data"]
    # Lifetimes 10, 20, 30 in weeks: [7, 14), [14, 21), [28, 35).
    assert data["lifetimes"] == {
        "labels": ["0–7", "7–14", "14–21", "21–28", "28–35"],
        "counts": [0, 1, 1, 0, 1],
    }
    # No uses before disposal: all three in the bin of 0 uses.
    assert data["uses"] == {"labels": ["0"], "counts": [3]}


def test_a_sku_without_disposals_says_there_is_no_lifetime_to_chart(as_viewer):
    sku = SKUFactory.create(code="NEW")
    bought(sku, "N-1", days_before_t(20))

    response = as_viewer.get(detail("NEW"))

    text = response.content.decode()
    assert "sku-chart-data" not in text
    assert "all 1 are still in the fleet" in text


# --- adding and editing -----------------------------------------------------------------


def sku_post(**fields) -> dict:
    data = {
        "code": "TENT-4P",
        "name": "Tent, 4 persons",
        "description": "",
        "depreciation_percent": "",
        "expected_lifetime_days": "",
        "selloff_window_days": "",
        "replacement_price": "",
        "renewal_hurdle": "",
        "specs-TOTAL_FORMS": "3",
        "specs-INITIAL_FORMS": "0",
        "specs-MIN_NUM_FORMS": "0",
        "specs-MAX_NUM_FORMS": "1000",
    }
    return {**data, **fields}


def test_a_manager_adds_a_sku_with_specifications_as_rows(as_manager):
    response = as_manager.post(
        ADD,
        sku_post(
            **{
                "depreciation_percent": "25",
                "expected_lifetime_days": "1460",
                "specs-0-key": "persons",
                "specs-0-value": "4",
                "specs-1-key": "colour",
                "specs-1-value": "green",
            }
        ),
    )

    sku = SKU.objects.get()
    assert response.status_code == 302
    assert response.url == detail("TENT-4P")
    assert sku.specifications == {"persons": "4", "colour": "green"}
    assert (sku.depreciation_rate, sku.expected_lifetime_days) == (Decimal("0.25"), 1460)


def test_a_manager_edits_a_sku_and_removes_a_specification(as_manager):
    SKUFactory.create(
        code="TENT-4P", name="Tent", specifications={"persons": "4", "colour": "green"}
    )
    page = as_manager.get(edit("tent-4p"))
    assert page.context["form"].initial["code"] == "TENT-4P"

    response = as_manager.post(
        edit("TENT-4P"),
        sku_post(
            **{
                "name": "Tent, 4 persons",
                "depreciation_percent": "12.5",
                "specs-TOTAL_FORMS": "5",
                "specs-INITIAL_FORMS": "2",
                "specs-0-key": "persons",
                "specs-0-value": "4",
                "specs-1-key": "colour",
                "specs-1-value": "green",
                "specs-1-DELETE": "on",
                "specs-2-key": "weight",
                "specs-2-value": "5 kg",
            }
        ),
    )

    assert response.status_code == 302
    sku = SKU.objects.get()
    assert sku.name == "Tent, 4 persons"
    assert sku.depreciation_rate == Decimal("0.125")
    assert sku.specifications == {"persons": "4", "weight": "5 kg"}


def test_a_duplicate_code_is_refused_in_words(as_manager):
    SKUFactory.create(code="TENT-4P")

    response = as_manager.post(ADD, sku_post(code="tent-4p"))

    assert response.status_code == 200
    assert response.context["form"].errors["code"] == [
        "A SKU with the code TENT-4P already exists; choose another code."
    ]
    assert SKU.objects.count() == 1


def test_a_value_without_a_name_and_a_name_given_twice_are_refused(as_manager):
    response = as_manager.post(
        ADD,
        sku_post(
            **{
                "specs-0-value": "green",
                "specs-1-key": "size",
                "specs-1-value": "M",
                "specs-2-key": "size",
                "specs-2-value": "L",
            }
        ),
    )

    forms = response.context["formset"].forms
    assert forms[0].errors["key"] == ["Give this value a name, such as size or colour."]
    assert forms[2].errors["key"] == ["The specification size is given twice."]
    assert not SKU.objects.exists()


def test_a_depreciation_above_100_percent_is_refused(as_manager):
    response = as_manager.post(ADD, sku_post(depreciation_percent="120"))

    assert "depreciation_percent" in response.context["form"].errors
    assert not SKU.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "staff"])
def test_who_may_not_keep_skus_gets_403_on_add_and_edit(client, request, role):
    client.force_login(request.getfixturevalue(role))
    SKUFactory.create(code="TENT-4P", name="Tent")

    assert client.get(ADD).status_code == 403
    assert client.post(ADD, sku_post(code="OTHER")).status_code == 403
    assert client.post(edit("TENT-4P"), sku_post(name="Changed")).status_code == 403
    assert list(SKU.objects.values_list("code", "name")) == [("TENT-4P", "Tent")]


def test_the_list_offers_adding_only_to_who_may(as_viewer, client, manager):
    assert ADD not in as_viewer.get(LIST).content.decode()
    client.force_login(manager)
    assert ADD in client.get(LIST).content.decode()


def test_the_sku_page_shows_every_figure_of_the_sku_report_to_a_manager():
    counted = {"sku_code", "sku_name", "articles", *(name for name, _ in STATUS_COUNTS)}
    assert set(SKU_FIGURES) <= counted | set(USE_FIGURES) | set(MONEY_FIGURES)
