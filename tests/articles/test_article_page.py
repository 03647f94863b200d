"""The article page (``articles:detail``): what each role sees, the buttons the
article's state allows, its figures against hand-worked values, its history and a
bounded number of queries."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.models import Article, Condition, EventKind, Status
from articles.views.detail import running_net
from inventory_site.roles import MANAGER, STAFF, VIEWER
from tests.factories import SKUFactory, StoreFactory
from tests.helpers import bought, user_with_role

pytestmark = pytest.mark.django_db


def days_ago(days: int, hour: int = 10) -> dt.datetime:
    """``hour`` o'clock, ``days`` days before today, in the installation's time zone."""
    day = timezone.localdate() - dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def page_of(client, user, number: str, **query):
    client.force_login(user)
    return client.get(reverse("articles:detail", args=[number]), query)


def button_labels(response) -> list[str]:
    """The labels of the page's action buttons, in order."""
    html = response.content.decode()
    section = re.search(r'<section class="card article-actions".*?</section>', html, re.S)
    if section is None:
        return []
    return re.findall(r'class="button[^"]*" href="[^"]*">([^<]+)</a>', section.group(0))


@pytest.fixture
def bike(db) -> Article:
    """BIKE-7: bought 100 days ago for 1000.00 through the services, with specs, in
    Innsbruck; Seefeld is another store."""
    StoreFactory.create(name="Seefeld")
    sku = SKUFactory.create(
        code="CITY", name="City bike", specifications={"size": "M", "colour": "red"}
    )
    return bought(
        sku,
        "BIKE-7",
        (timezone.localdate() - dt.timedelta(days=100)).isoformat(),
        "1000.00",
        store=StoreFactory.create(name="Innsbruck"),
        specifications={"colour": "blue", "frame": "56 cm"},
    )


# --- who sees what --------------------------------------------------------------------


def test_anonymous_visitor_is_sent_to_the_login(client, bike):
    response = client.get(reverse("articles:detail", args=["BIKE-7"]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_unknown_number_is_a_404(client, viewer):
    assert page_of(client, viewer, "NOPE-1").status_code == 404


def test_number_with_an_invisible_character_is_a_404(client, viewer, bike):
    assert page_of(client, viewer, "BIKE\u200b-7").status_code == 404


def test_number_is_found_in_any_case(client, viewer, bike):
    response = page_of(client, viewer, "bike-7")
    assert response.status_code == 200
    assert response.context["article"] == bike


def test_viewer_sees_fields_and_history_but_no_money_and_no_buttons_to_record(client, viewer, bike):
    services.usage_start(article=bike, started_at=days_ago(3), revenue="55.00", reference="R-9")
    response = page_of(client, viewer, "BIKE-7")
    html = response.content.decode()
    assert response.status_code == 200
    assert "R-9" in html and "Rental" in html
    assert "EUR" not in html and "55.00" not in html and "1,000.00" not in html
    assert "payback-data" not in html
    assert button_labels(response) == ["Print label"]


def test_viewer_does_not_read_amounts_in_the_notes_of_money_events(client, viewer, manager, bike):
    services.usage_start(article=bike, started_at=days_ago(3), revenue="45.00", reference="R-5")
    services.usage_end(article=bike, ended_at=days_ago(2), revenue="50.00")
    note = bike.events.get(kind=EventKind.INCOME).notes
    assert "50.00" in note  # the note written at the return quotes both amounts
    assert note not in page_of(client, viewer, "BIKE-7").content.decode()
    assert note in page_of(client, manager, "BIKE-7").content.decode()


def test_staff_sees_daily_work_but_no_disposals_or_corrections(client, staff, bike):
    labels = button_labels(page_of(client, staff, "BIKE-7"))
    assert labels == [
        "Start rental",
        "Start subscription",
        "Record maintenance",
        "Record repair",
        "Record cleaning",
        "Record an inspection",
        "Move to another store",
        "Take out of use",
        "Record income",
        "Add a note",
        "Edit details",
        "Print label",
    ]


def test_manager_also_sees_disposals_corrections_and_the_status_form(client, manager, bike):
    labels = button_labels(page_of(client, manager, "BIKE-7"))
    for label in ("Sell", "Retire", "Report lost", "Record an expense", "Correct an amount"):
        assert label in labels
    assert "Change status" in labels


def test_buttons_lead_to_the_event_form_of_their_kind(client, staff, bike):
    html = page_of(client, staff, "BIKE-7").content.decode()
    assert f'{reverse("articles:event_new", args=["BIKE-7"])}?kind=rental"' in html
    assert "?kind=status_change&amp;status=out_of_use" in html


def test_open_rental_offers_end_rental_instead_of_start(client, staff, bike):
    services.usage_start(article=bike, started_at=days_ago(2), due_at=days_ago(1))
    response = page_of(client, staff, "BIKE-7")
    labels = button_labels(response)
    assert "End rental" in labels
    assert "Start rental" not in labels and "Start subscription" not in labels
    html = response.content.decode()
    assert "On rental since" in html and "overdue" in html


def test_open_downtime_offers_its_end(client, staff, bike):
    services.service_record(article=bike, kind=EventKind.REPAIR, downtime=True)
    labels = button_labels(page_of(client, staff, "BIKE-7"))
    assert "End repair" in labels
    assert "Start rental" not in labels  # out of use: it cannot go out
    assert "Back in use" in labels


def test_lost_article_offers_found_and_no_usage_or_service(client, manager, bike):
    services.article_report_lost(article=bike, occurred_at=days_ago(1))
    labels = button_labels(page_of(client, manager, "BIKE-7"))
    assert "Found" in labels
    for label in ("Start rental", "Record repair", "Move to another store", "Sell", "Report lost"):
        assert label not in labels
    assert "Retire" in labels  # a lost article may be written off


def test_sold_article_offers_only_money_and_notes(client, manager, bike):
    services.article_sell(article=bike, price="300.00", occurred_at=days_ago(1))
    labels = button_labels(page_of(client, manager, "BIKE-7"))
    assert labels == [
        "Record income",
        "Record an expense",
        "Correct an amount",
        "Add a note",
        "Edit details",
        "Print label",
    ]


def test_article_on_order_is_not_offered_retirement(client, manager, bike):
    services.usage_start(article=bike, started_at=days_ago(1))
    labels = button_labels(page_of(client, manager, "BIKE-7"))
    assert "Retire" not in labels
    assert "Sell" in labels and "Report lost" in labels  # a buy-out, a loss on rental


def test_edit_link_only_for_users_who_may_change_articles(client, viewer, staff, bike):
    edit = reverse("articles:edit", args=["BIKE-7"])
    assert edit not in page_of(client, viewer, "BIKE-7").content.decode()
    assert edit in page_of(client, staff, "BIKE-7").content.decode()


# --- what it shows ----------------------------------------------------------------------


def test_specifications_merge_the_skus_under_the_articles_own(client, viewer, bike):
    rows = {row["key"]: row for row in page_of(client, viewer, "BIKE-7").context["specifications"]}
    assert rows["size"]["value"] == "M" and rows["size"]["source"] == "from the SKU"
    assert rows["colour"]["value"] == "blue"
    assert rows["colour"]["source"] == "this article's own; the SKU says red"
    assert rows["frame"]["source"] == "this article's own"


def test_figures_equal_hand_worked_values(client, manager, bike):
    """Price 1000; rentals of 50 and 70; a repair costing 30: revenue 120, expenses
    30, net 90, 9 % of the price paid back; 2 + 3 days of use out of 100 owned."""
    services.usage_start(
        article=bike, started_at=days_ago(20), ended_at=days_ago(18), revenue="50.00"
    )
    services.usage_start(
        article=bike, started_at=days_ago(10), ended_at=days_ago(7), revenue="70.00"
    )
    services.service_record(article=bike, kind=EventKind.REPAIR, occurred_at=days_ago(5), cost="30")
    response = page_of(client, manager, "BIKE-7")
    figures = {figure["label"]: figure["value"] for figure in response.context["figures"]}
    assert figures["Revenue"] == "120.00 EUR"
    assert figures["Expenses"] == "30.00 EUR"
    assert figures["Net"] == "90.00 EUR"
    assert figures["Share paid back"] == "0.09 ×"
    assert figures["Uses"] == "2"
    assert figures["Usage days"] == "5.0"
    assert figures["Utilization"] == "5 %"
    assert figures["Lifetime profit"] == "-910.00 EUR"
    sentence = response.context["figures_sentence"]
    assert sentence.startswith("Revenue so far 120.00 EUR; net 90.00 EUR after costs of 30.00 EUR")
    assert "9 % of its price of 1,000.00 EUR paid back so far" in sentence
    # Owned from the start of the purchase day to the end of today: 101 days.
    assert "in use 5 % of its 101 days (2 uses)" in sentence


def test_chart_draws_the_running_net_day_by_day_and_the_price(client, manager, bike):
    services.usage_start(
        article=bike, started_at=days_ago(20), ended_at=days_ago(18), revenue="50.00"
    )
    services.usage_start(
        article=bike, started_at=days_ago(10), ended_at=days_ago(7), revenue="70.00"
    )
    services.service_record(article=bike, kind=EventKind.REPAIR, occurred_at=days_ago(5), cost="30")
    today = timezone.localdate()
    points = running_net(bike, as_of=today, until=today)
    assert [(today - day).days for day, _ in points] == [100, 20, 10, 5, 0]
    assert [net for _, net in points] == [Decimal(n) for n in ("0", "50", "120", "90", "90")]
    chart = page_of(client, manager, "BIKE-7").context["chart"]
    assert chart["price"] == 1000.0
    assert [point["y"] for point in chart["points"]] == [0.0, 50.0, 120.0, 90.0, 90.0]


def test_running_net_leaves_out_sale_proceeds(db, bike):
    services.usage_start(
        article=bike, started_at=days_ago(9), ended_at=days_ago(8), revenue="40.00"
    )
    services.article_sell(article=bike, price="500.00", cost="10.00", occurred_at=days_ago(2))
    today = timezone.localdate()
    points = running_net(bike, as_of=today, until=today)
    assert points[-1][1] == Decimal("30.00")


def test_sold_article_says_what_it_sold_for(client, manager, bike):
    services.usage_start(
        article=bike, started_at=days_ago(9), ended_at=days_ago(8), revenue="40.00"
    )
    services.article_sell(article=bike, price="500.00", occurred_at=days_ago(2))
    sentence = page_of(client, manager, "BIKE-7").context["figures_sentence"]
    # Net 40.00 + proceeds 500.00 - price 1000.00.
    assert sentence.endswith("sold for 500.00 EUR, a lifetime profit of -460.00 EUR.")


def test_article_without_price_says_there_is_nothing_to_pay_back(client, manager):
    free = bought(
        SKUFactory.create(),
        "FREE-1",
        (timezone.localdate() - dt.timedelta(days=5)).isoformat(),
        "0",
    )
    response = page_of(client, manager, free.number)
    assert "no purchase price to pay back" in response.context["figures_sentence"]


def test_history_is_newest_first_with_who_recorded_and_who_ended(client, staff, bike):
    services.usage_start(article=bike, started_at=days_ago(4), reference="R-1", acting_user=staff)
    closer = user_with_role(MANAGER, username="closer")
    services.usage_end(article=bike, ended_at=days_ago(3), acting_user=closer)
    services.note_record(article=bike, notes="Bell squeaks.", acting_user=staff)
    response = page_of(client, staff, "BIKE-7")
    kinds = [entry.event.kind for entry in response.context["history"]]
    assert kinds == [EventKind.NOTE, EventKind.RENTAL, EventKind.ACQUISITION]
    html = response.content.decode()
    assert "sam-staff" in html
    assert "Ended by closer" in html
    assert "Bell squeaks." in html


def test_open_usage_is_marked_open_in_the_history(client, staff, bike):
    services.usage_start(article=bike, started_at=days_ago(1))
    entry = page_of(client, staff, "BIKE-7").context["history"][0]
    assert entry.open and not entry.overdue


def test_history_pages_hold_25_entries(client, staff, bike):
    for n in range(30):
        services.note_record(article=bike, notes=f"note {n}", occurred_at=days_ago(50 - n))
    first = page_of(client, staff, "BIKE-7")
    assert len(first.context["history"]) == 25
    assert first.context["history"][0].event.notes == "note 29"
    second = client.get(reverse("articles:detail", args=["BIKE-7"]), {"page": "2"})
    assert len(second.context["history"]) == 6  # 5 notes and the acquisition


@pytest.mark.parametrize("page", ["abc", "-1", "999", ""])
def test_a_bad_page_number_shows_a_page_not_an_error(client, staff, bike, page):
    assert page_of(client, staff, "BIKE-7", page=page).status_code == 200


def _history(article: Article, events: int, *, start: dt.datetime) -> None:
    for n in range(events):
        moment = start + dt.timedelta(hours=12 * n)
        if n % 3 == 0:
            services.usage_start(
                article=article,
                started_at=moment,
                ended_at=moment + dt.timedelta(hours=6),
                revenue="20.00",
            )
        elif n % 3 == 1:
            stores = list(StoreFactory.create_batch(1))
            services.article_transfer(article=article, store=stores[0], occurred_at=moment)
        else:
            services.inspection_record(
                article=article, condition=Condition.GOOD, occurred_at=moment, cost="5"
            )


@pytest.mark.parametrize("role", [MANAGER, STAFF, VIEWER])
def test_page_queries_do_not_grow_with_the_history(
    client, bike, django_assert_max_num_queries, role
):
    user = user_with_role(role, username=f"q-{role}")
    client.force_login(user)
    url = reverse("articles:detail", args=["BIKE-7"])
    _history(bike, 30, start=days_ago(90))
    client.get(url)  # warm the session and permission caches alike
    with django_assert_max_num_queries(14) as thirty:
        assert client.get(url).status_code == 200
    _history(bike, 30, start=days_ago(60))
    with django_assert_max_num_queries(len(thirty.captured_queries)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 61


def test_disposed_article_shows_when(client, manager, bike):
    services.article_retire(article=bike, occurred_at=days_ago(1), notes="Frame cracked.")
    bike.refresh_from_db()
    response = page_of(client, manager, "BIKE-7")
    assert bike.status == Status.RETIRED
    assert "Retired since" in response.content.decode()
