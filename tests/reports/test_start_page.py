"""The start page: the lookup, what needs attention (on order, due back today, overdue,
out of use) with links to the filtered article list, the fleet's tiles, and money only
for those who may see it; in a fixed number of queries."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Status
from articles.selectors import Moments
from reports.dashboard import ATTENTION_SHOWN
from tests.factories import SKUFactory, StoreFactory

pytestmark = pytest.mark.django_db

START = reverse("reports:dashboard")
LIST = reverse("articles:list")


def make_fleet(size: int, *, offset: int = 0) -> None:
    """``size`` articles: every fourth out on a rental due today, every fourth overdue,
    every fourth out of use, the rest in stock."""
    moments = Moments.current()
    store, sku = StoreFactory.create(), SKUFactory.create()
    started = moments.now - dt.timedelta(days=2)
    for n in range(offset, offset + size):
        article = services.article_create(
            sku=sku, store=store, number=f"F-{n:03d}", purchased_on=dt.date(2024, 1, 1)
        )
        if n % 4 == 0:
            due = moments.tomorrow_starts - dt.timedelta(seconds=1)
            services.usage_start(article=article, started_at=started, due_at=due)
        elif n % 4 == 1:
            due = moments.today_starts - dt.timedelta(hours=1)
            services.usage_start(article=article, started_at=started, due_at=due)
        elif n % 4 == 2:
            services.article_status_change(article=article, status=Status.OUT_OF_USE)


@pytest.fixture
def fleet(db):
    make_fleet(12)


def page(client) -> str:
    response = client.get(START)
    assert response.status_code == 200
    return response.content.decode()


def card(html: str, key: str) -> str:
    start = html.index(f"attention-card {key}")
    return html[start : html.index("</div>", start)]


def test_start_page_has_the_lookup_form(client, viewer, fleet):
    client.force_login(viewer)
    html = page(client)
    assert 'id="start-lookup-q"' in html
    form = html[html.index('class="card start-lookup"') - 200 : html.index('id="start-lookup-q"')]
    assert f'action="{LIST}"' in form
    assert 'name="q"' in html


@pytest.mark.parametrize(
    ("key", "count", "query"),
    [
        ("on-order", 6, "on_order=yes"),
        ("due-today", 3, "due=today"),
        ("overdue", 3, "due=overdue"),
        ("out-of-use", 3, "status=out_of_use"),
    ],
)
def test_each_card_counts_and_links_to_the_filtered_list(client, viewer, fleet, key, count, query):
    client.force_login(viewer)
    html = card(page(client), key)
    assert f'aria-label="{count} ' in html
    assert f'href="{LIST}?{query}' in html


def test_cards_name_their_articles_with_links(client, viewer, fleet):
    client.force_login(viewer)
    html = card(page(client), "overdue")
    for number in ("F-001", "F-005", "F-009"):
        assert f'href="{reverse("articles:detail", args=[number])}"' in html
    assert "due " in html


def test_card_counts_agree_with_the_list_they_link_to(client, viewer, fleet):
    client.force_login(viewer)
    for key, params in [
        ("on_order", {"on_order": "yes"}),
        ("due_today", {"due": "today"}),
        ("overdue", {"due": "overdue"}),
        (Status.OUT_OF_USE, {"status": "out_of_use"}),
    ]:
        count = client.get(START).context["counts"][key]
        assert client.get(LIST, params).context["table"].paginator.count == count


def test_a_long_card_shows_a_few_and_links_to_the_rest(client, viewer):
    make_fleet(40)
    client.force_login(viewer)
    html = card(page(client), "on-order")
    assert html.count('href="/articles/F-') == ATTENTION_SHOWN
    assert f"and {20 - ATTENTION_SHOWN} more" in html


def test_an_empty_card_says_none(client, viewer, db):
    client.force_login(viewer)
    assert "None." in card(page(client), "overdue")


def test_fleet_tiles_link_to_the_filtered_list(client, viewer, fleet):
    client.force_login(viewer)
    html = page(client)
    tiles = html[html.index('aria-label="The fleet by status"') :]
    for query in ("status=active", "status=out_of_use", "status=sold", "status=fleet"):
        assert f'href="{LIST}?{query}"' in tiles
    assert "Out of use" in tiles


@pytest.mark.parametrize("role", ["viewer", "staff"])
def test_no_money_without_view_money(client, request, fleet, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(START)
    html = response.content.decode()
    assert "Revenue, last 12 months" not in html
    assert "Net, last 12 months" not in html
    chart = json.loads(html.split('id="monthly-data" type="application/json">')[1].split("<")[0])
    assert set(chart) == {"labels", "usage_days", "titles"}
    assert [figure.name for figure in response.context["monthly_figures"]] == [
        "month",
        "usage_days",
    ]


def test_manager_sees_money_tiles_and_the_money_chart(client, manager, fleet):
    client.force_login(manager)
    html = page(client)
    assert "Revenue, last 12 months" in html
    chart = json.loads(html.split('id="monthly-data" type="application/json">')[1].split("<")[0])
    assert {"revenue", "expenses", "net", "usage_days"} <= set(chart)


def start_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(START).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["viewer", "manager"])
def test_start_page_takes_a_fixed_number_of_queries(client, request, role):
    client.force_login(request.getfixturevalue(role))
    make_fleet(25)
    few = start_queries(client)
    make_fleet(35, offset=25)
    many = start_queries(client)
    assert many == few
    assert many <= 20


def test_dates_are_today_in_the_installation_time_zone(client, viewer, fleet):
    client.force_login(viewer)
    assert client.get(START).context["as_of"] == timezone.localdate()
