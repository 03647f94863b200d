"""The sell-off page: its summary per SKU, worked by hand from a small fleet, and the
move of chosen candidates to the sales allocation, by role.

The fleet, as of 30 June 2026 (window 365 days, so [30 Jun 2025, 1 Jul 2026)):
- CITY: CITY-0001..0004 bought 1 June 2024 at 400.00; 0001 and 0002 rented at the
  same time in May 2026 for 100.00 each (the peak on order: 2); CITY-0005 bought
  1 April 2026 (active, for rental, but owned less than a window: not considered).
  Active rental articles 5, so surplus = 5 - 2 - 1 = 2. Considered: 0001..0004. Each
  loses about 400 × 0.8^2 × 0.2 ≈ 51 in value over the next window: 0003 and 0004
  earned nothing (gain from keeping ≈ -51: below 0), 0001 and 0002 earned 100 (≈ +49).
  Candidates: 0003 and 0004 (earn less than they lose, and the SKU's 2 weakest).
- TENT: TENT-0001 and 0002 bought 1 June 2024 at 300.00 in good condition, each
  rented once in the window, at different times, for 200.00: peak 1, active 2, so
  surplus 0; each earns more than it loses (≈ 27), and no article was used in its
  first window, so a new one's net per day is unknown: no renewal. Considered 2,
  candidates 0.
"""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import services
from articles.models import Allocation, Article, Event, EventKind
from tests.factories import SKUFactory, StoreFactory, UserFactory
from tests.helpers import moment

pytestmark = pytest.mark.django_db

AS_OF = "2026-06-30"
PAGE = reverse("reports:selloff")
QUERY = f"?as_of={AS_OF}&columns=all"


def bought_on(sku, store, day: str, price: str, **fields) -> Article:
    return services.article_create(
        sku=sku,
        store=store,
        purchased_on=dt.date.fromisoformat(day),
        purchase_price=Decimal(price),
        **fields,
    )


def rented(article: Article, start: str, revenue: str) -> None:
    started = moment(start, 10)
    services.usage_start(
        article=article,
        started_at=started,
        ended_at=started + dt.timedelta(days=3),
        revenue=revenue,
    )


@pytest.fixture
def fleet(db) -> None:
    city = SKUFactory.create(code="CITY", name="City bike")
    tent = SKUFactory.create(code="TENT", name="Trekking tent")
    innsbruck, seefeld = StoreFactory.create(name="Innsbruck"), StoreFactory.create(name="Seefeld")
    bikes = [bought_on(city, innsbruck, "2024-06-01", "400.00") for _ in range(4)]
    bought_on(city, innsbruck, "2026-04-01", "400.00")
    for bike in bikes[:2]:
        rented(bike, "2026-05-20", "100.00")
    tents = [bought_on(tent, seefeld, "2024-06-01", "300.00", condition="good") for _ in range(2)]
    rented(tents[0], "2026-03-01", "200.00")
    rented(tents[1], "2026-04-01", "200.00")


def user_with(*codenames: str):
    user = UserFactory.create(is_staff=False)
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def test_summary_per_sku_counts_considered_candidates_and_surplus(client, manager, fleet):
    client.force_login(manager)

    response = client.get(PAGE + QUERY)

    summary = [
        (line.code, line.window_days, line.considered, line.candidates, line.surplus)
        for line in response.context["summary"]
    ]
    assert summary == [("CITY", 365, 4, 2, 2), ("TENT", 365, 2, 0, 0)]
    assert response.context["summary_total"] == {"considered": 6, "candidates": 2, "surplus": 2}


def test_candidates_show_store_condition_and_reasons_in_words(client, manager, fleet):
    client.force_login(manager)

    response = client.get(PAGE + QUERY)

    listed = [row.record["number"] for row in response.context["table"].page.object_list]
    assert listed == ["CITY-0003", "CITY-0004"]
    html = response.content.decode()
    assert "Innsbruck" in html and ">New<" in html
    for reason in (
        "Earns less than it loses in value",
        "Surplus: more than the SKU needs",
        "Not used in the window",
    ):
        assert reason in html


def test_manager_moves_chosen_candidates_to_sales_and_returns_to_the_same_report(
    client, manager, fleet
):
    client.force_login(manager)

    response = client.post(
        PAGE + QUERY, {"action": "move_to_sales", "number": ["CITY-0003", "CITY-0004"]}
    )

    assert response.status_code == 302
    assert response.url == PAGE + QUERY
    moved = Article.objects.filter(number__in=["CITY-0003", "CITY-0004"])
    assert {article.allocation for article in moved} == {Allocation.SALES}
    assert Event.objects.filter(article__in=moved, kind=EventKind.NOTE).count() == 2
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "Moved to the sales allocation (2): CITY-0003, CITY-0004."
    ]


def test_moved_articles_leave_the_candidates(client, manager, fleet):
    client.force_login(manager)
    client.post(PAGE + QUERY, {"action": "move_to_sales", "number": ["CITY-0003", "CITY-0004"]})

    response = client.get(PAGE + QUERY)

    # CITY now has 3 active rental articles, peak 2: surplus 0, and 0001, 0002 earn
    # more than they lose.
    assert response.context["count"] == 0
    assert [line.considered for line in response.context["summary"]] == [2, 2]


def test_each_article_that_is_not_moved_says_why(client, manager, fleet):
    services.article_update(
        article=Article.objects.get(number="CITY-0003"), data={"allocation": Allocation.SALES}
    )
    services.usage_start(
        article=Article.objects.get(number="CITY-0002"), started_at=moment("2026-06-01", 9)
    )
    services.article_sell(
        article=Article.objects.get(number="CITY-0005"),
        price="300.00",
        occurred_at=moment("2026-06-10", 9),
    )
    client.force_login(manager)

    response = client.post(
        PAGE + QUERY,
        {
            "action": "move_to_sales",
            "number": ["CITY-0002", "CITY-0003", "CITY-0004", "CITY-0005", "NOPE-1"],
        },
    )

    said = [str(message) for message in get_messages(response.wsgi_request)]
    assert said[0].startswith("CITY-0002 was not moved: CITY-0002 is on order since")
    assert said[1:] == [
        "CITY-0003 is already allocated to sales.",
        "CITY-0005 is sold; it was not moved.",
        "There is no article NOPE-1.",
        "Moved to the sales allocation (1): CITY-0004.",
    ]
    assert Article.objects.get(number="CITY-0002").allocation == Allocation.RENTAL


def test_a_move_without_chosen_articles_asks_for_them(client, manager, fleet):
    client.force_login(manager)

    response = client.post(PAGE + QUERY, {"action": "move_to_sales"})

    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Choose the articles to move to sales first."
    ]


@pytest.mark.parametrize("role", ["viewer", "staff"])
def test_viewer_and_staff_may_neither_see_nor_move(client, request, role, fleet):
    client.force_login(request.getfixturevalue(role))

    assert client.get(PAGE + QUERY).status_code == 403
    response = client.post(PAGE + QUERY, {"action": "move_to_sales", "number": ["CITY-0003"]})

    assert response.status_code == 403
    assert Article.objects.get(number="CITY-0003").allocation == Allocation.RENTAL


def test_a_user_who_may_not_edit_articles_sees_no_choice_and_may_not_move(client, fleet):
    client.force_login(user_with("view_article", "view_money"))

    html = client.get(PAGE + QUERY).content.decode()
    response = client.post(PAGE + QUERY, {"action": "move_to_sales", "number": ["CITY-0003"]})

    assert 'type="checkbox"' not in html
    assert "Move chosen to sales" not in html
    assert "Record sale" not in html
    assert response.status_code == 403
    assert Article.objects.get(number="CITY-0003").allocation == Allocation.RENTAL


def test_manager_sees_a_checkbox_and_a_sale_link_per_candidate(client, manager, fleet):
    client.force_login(manager)

    html = client.get(PAGE + QUERY).content.decode()

    assert '<input type="checkbox" name="number" value="CITY-0003"' in html
    sale = reverse("articles:event_new", args=["CITY-0003"]) + "?kind=sale"
    assert f'href="{sale}"' in html


def test_a_user_who_may_not_sell_sees_no_sale_link(client, fleet):
    client.force_login(user_with("view_article", "view_money", "change_article"))

    html = client.get(PAGE + QUERY).content.decode()

    assert '<input type="checkbox" name="number" value="CITY-0003"' in html
    assert "Record sale" not in html


def page_queries(client, url: str) -> tuple[int, int]:
    """(statements run, candidates listed) for one GET of ``url``."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.context["count"]


def test_the_sell_off_page_runs_a_fixed_number_of_queries(client, manager, db):
    """24 idle articles of one SKU are all candidates (earning nothing, they lose value);
    twice as many run the same statements. (The ledger is read twice: for the
    candidates and for the summary per SKU.)"""
    sku, store = SKUFactory.create(code="BULK"), StoreFactory.create(name="Main")
    client.force_login(manager)
    url = PAGE + f"?as_of={AS_OF}&columns=all"
    for _ in range(24):
        bought_on(sku, store, "2024-06-01", "400.00")
    few, listed = page_queries(client, url)
    for _ in range(24):
        bought_on(sku, store, "2024-06-01", "400.00")
    many, more_listed = page_queries(client, url)

    assert (listed, more_listed) == (24, 48)
    assert few == many
    assert many <= 25, many
