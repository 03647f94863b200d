"""The article list: its columns, filters, sorting, pages, CSV download, what each role
sees, and the bulk actions on the rows chosen in it."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, Event, EventKind, Status
from articles.selectors import Moments
from tests.factories import ArticleFactory, SKUFactory, StoreFactory, UserFactory
from tests.helpers import article_page_statement

pytestmark = pytest.mark.django_db

LIST = reverse("articles:list")
BULK = reverse("articles:bulk")


@pytest.fixture
def stores():
    return {
        "ibk": StoreFactory.create(name="Innsbruck"),
        "see": StoreFactory.create(name="Seefeld"),
    }


@pytest.fixture
def fleet(stores):
    """Six articles: BIKE-0001 out on a rental (ref. R-100, due in two days), BIKE-0002
    due back later today, BIKE-0003 overdue since yesterday, SKI-0001 out of use,
    SKI-0002 sold, TENT-0001 in stock (a manufacturer that looks like a formula)."""
    moments = Moments.current()
    bike = SKUFactory.create(code="BIKE", name="City bike")
    ski = SKUFactory.create(code="SKI", name="Touring ski")
    tent = SKUFactory.create(code="TENT", name="Tent")
    ten_days_ago = timezone.localdate() - dt.timedelta(days=10)

    def create(sku, number, store, **fields):
        return services.article_create(
            sku=sku,
            store=store,
            number=number,
            purchased_on=fields.pop("purchased_on", ten_days_ago),
            purchase_price=Decimal("500.00"),
            **fields,
        )

    articles = {
        "BIKE-0001": create(
            bike, "BIKE-0001", stores["ibk"], manufacturer="Kona", model="Dew", production_year=2021
        ),
        "BIKE-0002": create(
            bike, "BIKE-0002", stores["ibk"], manufacturer="Kona", model="Ute", production_year=2022
        ),
        "BIKE-0003": create(
            bike, "BIKE-0003", stores["see"], manufacturer="Trek", model="FX", production_year=2023
        ),
        "SKI-0001": create(
            ski, "SKI-0001", stores["see"], manufacturer="Atomic", serial_number="SN-77"
        ),
        "SKI-0002": create(
            ski,
            "SKI-0002",
            stores["see"],
            manufacturer="Atomic",
            purchased_on=timezone.localdate() - dt.timedelta(days=400),
        ),
        "TENT-0001": create(tent, "TENT-0001", stores["ibk"], manufacturer="=HYPERLINK(1)"),
    }
    started = moments.now - dt.timedelta(days=3)
    services.usage_start(
        article=articles["BIKE-0001"],
        started_at=started,
        due_at=moments.now + dt.timedelta(days=2),
        reference="R-100",
        revenue="40.00",
    )
    services.usage_start(
        article=articles["BIKE-0002"],
        started_at=started,
        due_at=moments.tomorrow_starts - dt.timedelta(seconds=1),
    )
    services.usage_start(
        article=articles["BIKE-0003"],
        started_at=started,
        due_at=moments.today_starts - dt.timedelta(hours=2),
    )
    services.article_status_change(
        article=articles["SKI-0001"], status=Status.OUT_OF_USE, notes="Edges"
    )
    services.article_sell(article=articles["SKI-0002"], price="100.00")
    return articles


def numbers(response) -> list[str]:
    return [row.record.number for row in response.context["table"].page.object_list]


def listed(client, **params) -> list[str]:
    response = client.get(LIST, params)
    assert response.status_code == 200
    return numbers(response)


# --- access and columns ------------------------------------------------------------


def test_list_requires_login(client):
    response = client.get(LIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_list_requires_the_view_article_permission(client):
    client.force_login(UserFactory.create(is_staff=False))
    assert client.get(LIST).status_code == 403


def test_list_shows_every_article_by_number_with_a_link_to_its_page(client, viewer, fleet):
    client.force_login(viewer)
    response = client.get(LIST)
    assert numbers(response) == sorted(fleet)
    html = response.content.decode()
    assert f'href="{reverse("articles:detail", args=["BIKE-0001"])}"' in html


def test_list_shows_status_and_condition_in_words(client, viewer, fleet):
    client.force_login(viewer)
    html = client.get(LIST, {"q": "SKI-0001", "status": "fleet"}).content.decode()
    assert "Out of use" in html
    assert "out_of_use" not in html.split("<tbody")[1]


def test_on_order_cell_shows_since_reference_and_due(client, viewer, fleet):
    client.force_login(viewer)
    html = client.get(LIST, {"on_order": "yes"}).content.decode()
    assert "ref. R-100" in html
    assert html.count('class="badge overdue"') == 1  # BIKE-0003 only


# --- filters ---------------------------------------------------------------------


def test_filter_on_order_lists_articles_with_an_open_usage(client, viewer, fleet):
    client.force_login(viewer)
    assert listed(client, on_order="yes") == ["BIKE-0001", "BIKE-0002", "BIKE-0003"]
    assert listed(client, on_order="no") == ["SKI-0001", "SKI-0002", "TENT-0001"]


def test_filter_due_today_lists_open_usages_due_today(client, viewer, fleet):
    client.force_login(viewer)
    assert listed(client, due="today") == ["BIKE-0002"]


def test_filter_overdue_lists_open_usages_past_their_due_date(client, viewer, fleet):
    client.force_login(viewer)
    assert listed(client, due="overdue") == ["BIKE-0003"]


def test_filter_status_and_in_the_fleet(client, viewer, fleet):
    client.force_login(viewer)
    assert listed(client, status="out_of_use") == ["SKI-0001"]
    assert listed(client, status="sold") == ["SKI-0002"]
    assert "SKI-0002" not in listed(client, status="fleet")
    assert "SKI-0001" in listed(client, status="fleet")


def test_filter_by_sku_store_and_condition(client, viewer, fleet, stores):
    client.force_login(viewer)
    sku = fleet["SKI-0001"].sku
    assert listed(client, sku=sku.pk) == ["SKI-0001", "SKI-0002"]
    assert listed(client, store=stores["see"].pk) == ["BIKE-0003", "SKI-0001", "SKI-0002"]
    assert listed(client, condition="new") == sorted(fleet)
    assert listed(client, condition="poor") == []


def test_free_text_searches_number_serial_manufacturer_and_model(client, viewer, fleet):
    client.force_login(viewer)
    assert listed(client, q="sn-77") == ["SKI-0001"]
    assert listed(client, q="kona") == ["BIKE-0001", "BIKE-0002"]
    assert listed(client, q="ute") == ["BIKE-0002"]
    assert listed(client, q="tent-") == ["TENT-0001"]


def test_filter_by_order_reference(client, viewer, fleet):
    client.force_login(viewer)
    assert listed(client, reference="r-1") == ["BIKE-0001"]


def test_ranges_of_year_and_purchase_date(client, viewer, fleet):
    client.force_login(viewer)
    assert listed(client, year_min="2022", year_max="2023") == ["BIKE-0002", "BIKE-0003"]
    old = (timezone.localdate() - dt.timedelta(days=100)).isoformat()
    assert listed(client, purchased_to=old) == ["SKI-0002"]
    assert "SKI-0002" not in listed(client, purchased_from=old)


def test_uses_range(client, viewer, fleet):
    client.force_login(viewer)
    assert listed(client, uses_min="1") == ["BIKE-0001", "BIKE-0002", "BIKE-0003"]


def test_revenue_filter_is_only_for_those_who_see_money(client, staff, manager, fleet):
    client.force_login(staff)
    assert "revenue_min" not in client.get(LIST).context["filter"].form.fields
    assert len(listed(client, revenue_min="30")) == 6  # ignored, not applied
    client.force_login(manager)
    assert listed(client, revenue_min="30") == ["BIKE-0001"]


# --- sorting and pages -------------------------------------------------------------


def test_sort_by_a_column_and_back(client, viewer, fleet):
    client.force_login(viewer)
    assert listed(client, sort="-number")[0] == "TENT-0001"
    assert listed(client, sort="store")[:3] == ["BIKE-0001", "BIKE-0002", "TENT-0001"]
    assert listed(client, sort="on_order")[:3] == ["BIKE-0001", "BIKE-0002", "BIKE-0003"]


def page_statement(client, **params) -> str:
    """The statement that read the page's articles."""
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST, params)
    return article_page_statement(queries)


def test_a_search_sorts_its_matches_by_number_rather_than_read_them_in_the_indexs_order(
    client, viewer, fleet
):
    """Read in the order of the number index, PostgreSQL walks every article before the
    matches (numbers begin with their SKU's code): the search sorts by a value that no
    index holds, in the same order both ways; the list without a search keeps the
    index's order."""
    client.force_login(viewer)
    bikes = sorted(number for number in fleet if number.startswith("BIKE-"))
    assert listed(client, q="bike-") == bikes
    assert listed(client, q="bike-", sort="-number") == bikes[::-1]
    by_column = 'ORDER BY "articles_article"."number"'
    assert by_column not in page_statement(client, q="bike-")
    assert by_column not in page_statement(client, q="bike-", sort="-number")
    assert by_column in page_statement(client)
    assert by_column in page_statement(client, q=" ", sort="-number")


def test_sort_by_money_is_ignored_for_those_who_may_not_see_it(client, staff, fleet):
    client.force_login(staff)
    assert listed(client, sort="-revenue") == sorted(fleet)


@pytest.fixture
def sixty(db):
    store = StoreFactory.create(name="Hall")
    sku = SKUFactory.create(code="HELMET")
    return ArticleFactory.create_batch(60, sku=sku, store=store, status=Status.ACTIVE)


def test_fifty_a_page_and_the_page_links_keep_the_filters(client, viewer, sixty):
    client.force_login(viewer)
    response = client.get(LIST, {"status": "active", "sort": "-number"})
    assert len(numbers(response)) == 50
    html = response.content.decode()
    assert "page=2" in html
    link = next(part for part in html.split('href="') if "page=2" in part).split('"')[0]
    assert "status=active" in link
    assert "sort=-number" in link
    assert len(listed(client, status="active", sort="-number", page="2")) == 10


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "999"},
        {"page": "-1"},
        {"sort": "nonsense"},
        {"sort": "-"},
        {"year_min": "x"},
        {"purchased_from": "2025-02-30"},
        {"store": "999999"},
        {"sku": "abc"},
        {"status": "gone"},
        {"on_order": "maybe"},
        {"q": "\x00"},
    ],
)
def test_bad_parameters_show_the_page_not_an_error(client, viewer, sixty, params):
    client.force_login(viewer)
    assert client.get(LIST, params).status_code == 200


def test_a_refused_filter_is_named_on_the_page(client, viewer, sixty):
    client.force_login(viewer)
    html = client.get(LIST, {"year_min": "x"}).content.decode()
    assert "Enter a number." in html


def list_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("role", ["viewer", "staff", "manager"])
def test_list_takes_a_fixed_number_of_queries(client, request, role):
    client.force_login(request.getfixturevalue(role))
    store, sku = StoreFactory.create(), SKUFactory.create()
    for n in range(25):
        article = services.article_create(
            sku=sku, store=store, number=f"A-{n:03d}", purchased_on=dt.date(2024, 1, 1)
        )
        if n % 3 == 0:
            services.usage_start(article=article, started_at=timezone.now(), reference=f"R{n}")
    few = list_queries(client)
    for n in range(25, 60):
        services.article_create(
            sku=sku, store=store, number=f"A-{n:03d}", purchased_on=dt.date(2024, 1, 1)
        )
    many = list_queries(client)
    assert many == few
    assert many <= 12


def test_list_count_is_one_statement_without_the_order_subqueries(client, viewer, sixty):
    client.force_login(viewer)
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST)
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert len(counts) == 1
    assert "reference" not in counts[0]


# --- money ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "staff"])
def test_money_columns_are_hidden_without_view_money(client, request, fleet, role):
    client.force_login(request.getfixturevalue(role))
    response = client.get(LIST)
    names = [column.name for column in response.context["table"].columns]
    assert "revenue" not in names
    assert "utilization" not in names
    assert "Revenue" not in response.content.decode()


def test_manager_sees_revenue_and_the_utilization_of_the_page(client, manager, stores):
    """Bought 10 days ago (P = start of that day, T = start of tomorrow: owned 11 days),
    rented for 2 days: utilization 2/11 = 18.2 %, revenue 40.00."""
    client.force_login(manager)
    article = services.article_create(
        sku=SKUFactory.create(),
        store=stores["ibk"],
        number="U-1",
        purchased_on=timezone.localdate() - dt.timedelta(days=10),
    )
    start = timezone.now() - dt.timedelta(days=5)
    services.usage_start(
        article=article, started_at=start, ended_at=start + dt.timedelta(days=2), revenue="40.00"
    )
    html = client.get(LIST).content.decode()
    row = html.split("U-1</a>")[1].split("</tr>")[0]
    assert "40.00" in row
    assert "18.2 %" in row


# --- CSV -----------------------------------------------------------------------


def csv_rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_csv_downloads_every_filtered_row_across_pages(client, viewer, sixty):
    client.force_login(viewer)
    rows = csv_rows(client.get(LIST, {"status": "active", "format": "csv"}))
    assert rows[0][:3] == ["Number", "SKU", "Status"]
    assert len(rows) == 61
    assert rows[1][2] == "Active"


def test_csv_splits_the_order_into_since_reference_and_due(client, viewer, fleet):
    client.force_login(viewer)
    rows = csv_rows(client.get(LIST, {"q": "BIKE-0001", "format": "csv"}))
    header, (row,) = rows[0], rows[1:]
    assert row[header.index("Order reference")] == "R-100"
    assert row[header.index("On order since")].startswith(
        timezone.localtime(Event.objects.get(reference="R-100").occurred_at).date().isoformat()
    )
    assert "Select" not in header
    assert "On order" not in header


def test_csv_makes_a_formula_like_cell_safe(client, viewer, fleet):
    client.force_login(viewer)
    rows = csv_rows(client.get(LIST, {"format": "csv", "q": "tent"}))
    header, (row,) = rows[0], rows[1:]
    assert row[header.index("Make")] == "'=HYPERLINK(1)"


def test_csv_leaves_money_out_without_view_money(client, staff, manager, fleet):
    client.force_login(staff)
    header = csv_rows(client.get(LIST, {"format": "csv"}))[0]
    assert "Revenue" not in header
    assert "Utilization" not in header
    client.force_login(manager)
    rows = csv_rows(client.get(LIST, {"format": "csv", "q": "BIKE-0001"}))
    assert rows[1][rows[0].index("Revenue")] == "40.00"
    assert rows[1][rows[0].index("Utilization")] != ""


def test_csv_with_a_refused_filter_shows_the_page(client, viewer, fleet):
    client.force_login(viewer)
    response = client.get(LIST, {"format": "csv", "year_min": "x"})
    assert response["Content-Type"].startswith("text/html")


# --- bulk actions ----------------------------------------------------------------


def test_viewer_sees_no_checkboxes_and_no_actions(client, viewer, fleet):
    client.force_login(viewer)
    html = client.get(LIST).content.decode()
    assert 'name="articles"' not in html
    assert BULK not in html


def test_staff_sees_checkboxes_and_actions(client, staff, fleet):
    client.force_login(staff)
    html = client.get(LIST).content.decode()
    assert 'name="articles" value="BIKE-0001"' in html
    assert f'action="{BULK}"' in html


def test_viewer_gets_403_on_a_bulk_post(client, viewer, fleet, stores):
    client.force_login(viewer)
    response = client.post(
        BULK, {"action": "transfer", "store": stores["see"].pk, "articles": ["BIKE-0001"]}
    )
    assert response.status_code == 403
    assert Article.objects.get(number="BIKE-0001").store == stores["ibk"]


def test_bulk_requires_post(client, staff):
    client.force_login(staff)
    assert client.get(BULK).status_code == 405


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_staff_transfers_articles_and_goes_back_to_the_filtered_list(client, staff, fleet, stores):
    client.force_login(staff)
    response = client.post(
        BULK,
        {
            "action": "transfer",
            "store": stores["see"].pk,
            "articles": ["BIKE-0001", "TENT-0001"],
            "query": "status=fleet&sort=-number&page=2",
        },
    )
    assert response.status_code == 302
    assert response.url == f"{LIST}?status=fleet&sort=-number&page=2"
    assert messages_of(response) == ["Transferred: BIKE-0001, TENT-0001."]
    for number in ("BIKE-0001", "TENT-0001"):
        article = Article.objects.get(number=number)
        assert article.store == stores["see"]
        assert article.events.filter(kind=EventKind.TRANSFER, recorded_by=staff).exists()


def test_refusals_are_reported_per_article_and_the_rest_is_done(client, staff, fleet, stores):
    client.force_login(staff)
    before = Event.objects.filter(article__number="BIKE-0003").count()
    response = client.post(
        BULK,
        {
            "action": "transfer",
            "store": stores["see"].pk,
            "articles": ["BIKE-0003", "SKI-0002", "BIKE-0002"],
        },
    )
    said = messages_of(response)
    assert said[0] == "Transferred: BIKE-0002."
    assert "BIKE-0003 is already in Seefeld." in said
    assert any(text.startswith("SKI-0002 is sold") for text in said)
    assert Event.objects.filter(article__number="BIKE-0003").count() == before
    assert Article.objects.get(number="SKI-0002").store == stores["see"]


def test_take_out_of_use_and_back_in_use(client, staff, fleet):
    client.force_login(staff)
    client.post(BULK, {"action": "out_of_use", "reason": "Flat tyre", "articles": ["TENT-0001"]})
    article = Article.objects.get(number="TENT-0001")
    assert article.status == Status.OUT_OF_USE
    assert article.events.get(kind=EventKind.STATUS_CHANGE).notes == "Flat tyre"
    response = client.post(
        BULK, {"action": "back_in_use", "reason": "Patched", "articles": ["TENT-0001"]}
    )
    assert messages_of(response)[-1] == "Back in use: TENT-0001."
    assert Article.objects.get(number="TENT-0001").status == Status.ACTIVE


def test_back_in_use_refuses_an_article_that_is_not_out_of_use(client, staff, fleet):
    client.force_login(staff)
    response = client.post(
        BULK, {"action": "back_in_use", "reason": "?", "articles": ["TENT-0001", "SKI-0001"]}
    )
    said = messages_of(response)
    assert said[0] == "Back in use: SKI-0001."
    assert said[1].startswith("TENT-0001 is active;")


def test_out_of_use_refuses_an_article_already_out_of_use(client, staff, fleet):
    client.force_login(staff)
    before = Event.objects.count()
    response = client.post(
        BULK, {"action": "out_of_use", "reason": "Wax", "articles": ["SKI-0001"]}
    )
    assert messages_of(response) == ["SKI-0001 is already out of use."]
    assert Event.objects.count() == before


@pytest.mark.parametrize(
    "data",
    [
        {"action": "transfer", "articles": ["BIKE-0001"]},  # no store
        {"action": "out_of_use", "articles": ["BIKE-0001"]},  # no reason
        {"action": "transfer"},  # nothing selected
        {"action": "explode", "articles": ["BIKE-0001"]},
    ],
)
def test_an_incomplete_bulk_form_changes_nothing_and_says_why(client, staff, fleet, data):
    client.force_login(staff)
    before = Event.objects.count()
    response = client.post(BULK, data)
    assert response.status_code == 302
    said = messages_of(response)
    assert said
    assert all(text.startswith("Nothing was changed.") for text in said)
    assert Event.objects.count() == before


def test_an_unknown_number_is_reported(client, staff, fleet, stores):
    client.force_login(staff)
    response = client.post(
        BULK, {"action": "transfer", "store": stores["see"].pk, "articles": ["NOPE-1"]}
    )
    assert messages_of(response) == ["NOPE-1: there is no article with this number."]


def test_the_way_back_cannot_leave_the_list(client, staff, fleet, stores):
    client.force_login(staff)
    response = client.post(
        BULK,
        {
            "action": "transfer",
            "store": stores["see"].pk,
            "articles": ["TENT-0001"],
            "query": "//evil.example/&format=csv",
        },
    )
    assert response.url.startswith(f"{LIST}?")
    assert "format" not in response.url
