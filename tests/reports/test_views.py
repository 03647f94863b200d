"""The report pages: login and permission (reports show money: Managers only; the
dashboard: anyone who sees the fleet), bounded queries, the CSV downloads and the
dashboard's chart data."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import services
from tests.factories import SKUFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db

REPORTS = ["reports:index", "reports:articles", "reports:skus", "reports:selloff"]
PAGES = ["reports:dashboard", *REPORTS]
# The first SKU or sell-off report of a day computes every SKU and keeps its rows
# (``reports.figures.kept``: the lock, the rows read again under it, savepoints, the
# keeping; for the sell-off also its candidates as rows: their articles, the insert):
# more statements, still a fixed number.
MOST_QUERIES: dict[str, int] = {"reports:skus": 30, "reports:selloff": 34}


@pytest.fixture
def fleet(db):
    """25 city bikes over two stores, bought two years ago at 400.00; each rented
    once for 3 days at 30.00 this year, and every fifth one sold at 150.00."""
    today = timezone.localdate()
    stores = [StoreFactory.create(name="Innsbruck"), StoreFactory.create(name="Seefeld")]
    sku = SKUFactory.create(code="CITY")
    rental_start = timezone.make_aware(dt.datetime.combine(today, dt.time(9))) - dt.timedelta(
        days=40
    )
    for n in range(25):
        article = services.article_create(
            sku=sku,
            store=stores[n % 2],
            purchased_on=today - dt.timedelta(days=730),
            purchase_price="400.00",
        )
        services.usage_start(
            article=article,
            started_at=rental_start,
            ended_at=rental_start + dt.timedelta(days=3),
            revenue="30.00",
        )
        if n % 5 == 0:
            services.article_sell(
                article=article, price="150.00", occurred_at=rental_start + dt.timedelta(days=10)
            )
    return sku


@pytest.mark.parametrize("name", PAGES)
def test_report_pages_require_login(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
def test_report_pages_refuse_a_user_without_permissions(client, name):
    client.force_login(UserFactory.create(is_staff=False))
    assert client.get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", REPORTS)
@pytest.mark.parametrize("role", ["viewer", "staff"])
def test_reports_refuse_a_role_that_does_not_see_money(client, request, role, name):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse(name)).status_code == 403


def test_the_dashboard_is_open_to_a_viewer(client, viewer):
    client.force_login(viewer)
    assert client.get(reverse("reports:dashboard")).status_code == 200


@pytest.mark.parametrize("name", PAGES)
def test_report_pages_render_with_a_bounded_number_of_queries(
    client, manager, fleet, name, django_assert_max_num_queries
):
    client.force_login(manager)
    with django_assert_max_num_queries(MOST_QUERIES.get(name, 20)):
        response = client.get(reverse(name))
    assert response.status_code == 200


def statements_of(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", ["reports:articles", "reports:skus", "reports:selloff"])
def test_report_pages_run_the_same_statements_for_twice_the_articles(client, manager, fleet, name):
    client.force_login(manager)
    url = f"{reverse(name)}?columns=all"
    before = statements_of(client, url)
    store = StoreFactory.create(name="Airport")
    for _ in range(25):
        services.article_create(
            sku=fleet,
            store=store,
            purchased_on=timezone.localdate() - dt.timedelta(days=730),
            purchase_price="400.00",
        )

    assert statements_of(client, url) == before


def test_article_page_shows_the_figures_of_the_page(client, manager, fleet):
    client.force_login(manager)
    response = client.get(
        reverse("reports:articles"), {"store": "", "number": "CITY-0002", "columns": "all"}
    )
    html = response.content.decode()
    # CITY-0002: one 3-day rental at 30.00, price 400.00, not sold.
    assert "CITY-0002" in html
    assert "3.0000" in html  # usage_days
    assert "30.00" in html  # revenue
    assert "CITY-0003" not in html


def test_sku_csv_download_has_the_spec_columns_and_values(client, manager, fleet):
    client.force_login(manager)
    response = client.get(reverse("reports:skus"), {"download": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    header, row = response.content.decode().splitlines()[:2]
    assert header.startswith(
        "sku_code,sku_name,articles,active,out_of_use,on_order,lost,sold,retired,"
    )
    values = dict(zip(header.split(","), row.split(","), strict=True))
    # 25 articles, 5 sold; revenue 25 × 30.00 (sales excluded).
    assert values["articles"] == "25"
    assert values["sold"] == "5"
    assert values["revenue"] == "750.00"
    assert values["purchase_total"] == "10000.00"


def test_articles_csv_download_lists_every_filtered_article(client, manager, fleet):
    client.force_login(manager)
    response = client.get(reverse("reports:articles"), {"download": "csv", "status": "sold"})
    lines = response.getvalue().decode().splitlines()  # a streamed download
    assert lines[0].split(",")[:6] == [
        "number",
        "sku_code",
        "store",
        "status",
        "condition",
        "usage_count",
    ]
    assert [line.split(",")[0] for line in lines[1:]] == [
        "CITY-0001",
        "CITY-0006",
        "CITY-0011",
        "CITY-0016",
        "CITY-0021",
    ]


def test_bad_report_parameters_show_a_message_not_an_error(client, manager, fleet):
    client.force_login(manager)
    response = client.get(reverse("reports:skus"), {"as_of": "2025-02-30", "window": "0"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Enter a valid date." in html
    assert "Ensure this value is greater than or equal to 1." in html


def test_dashboard_embeds_the_monthly_chart_data(client, viewer, fleet):
    # The chart's money is for those who may see money (tests/reports/test_start_page.py).
    viewer.user_permissions.add(Permission.objects.get(codename="view_money"))
    client.force_login(viewer)
    response = client.get(reverse("reports:dashboard"))
    data = json.loads(response.context["chart"] and json.dumps(response.context["chart"]))
    assert len(data["labels"]) == 24
    assert sum(Decimal(str(v)) for v in data["revenue"]) == Decimal("750")
    assert 'id="monthly-data"' in response.content.decode()
    assert "chart.umd.min.js" in response.content.decode()
