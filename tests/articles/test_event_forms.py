"""The event forms (``articles:event_new``): one kind's fields, its service, who may
record it, what the article's state allows, and refusals shown on the form."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.event_forms import MOMENT_FORMAT
from articles.models import Article, Condition, Event, EventKind, Status
from tests.factories import SKUFactory, StoreFactory
from tests.helpers import bought

pytestmark = pytest.mark.django_db


def hours_ago(hours: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours)


def typed(moment: dt.datetime) -> str:
    """A moment as the browser's date-time field sends it, in the installation's zone."""
    return timezone.localtime(moment).strftime(MOMENT_FORMAT)


def form_url(number: str, kind: str, **query: str) -> str:
    url = reverse("articles:event_new", args=[number])
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in {'kind': kind, **query}.items())}"


@pytest.fixture
def bike(db) -> Article:
    """BIKE-7 in Innsbruck, bought 60 days ago for 1000.00; Seefeld is another store."""
    StoreFactory.create(name="Seefeld")
    return bought(
        SKUFactory.create(code="CITY", name="City bike"),
        "BIKE-7",
        (timezone.localdate() - dt.timedelta(days=60)).isoformat(),
        "1000.00",
        store=StoreFactory.create(name="Innsbruck"),
        condition=Condition.GOOD,
    )


def post(client, user, kind: str, data: dict, number: str = "BIKE-7", **query: str):
    client.force_login(user)
    return client.post(form_url(number, kind, **query), data)


# --- who may, and what the state allows ---------------------------------------------------


def test_anonymous_post_is_sent_to_the_login_and_records_nothing(client, bike):
    response = client.post(form_url("BIKE-7", "note"), {"notes": "Hi"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not bike.events.filter(kind=EventKind.NOTE).exists()


def test_viewer_gets_403_on_a_direct_post(client, viewer, bike):
    response = post(client, viewer, "note", {"occurred_at": typed(hours_ago(1)), "notes": "Hi"})
    assert response.status_code == 403
    assert not bike.events.filter(kind=EventKind.NOTE).exists()


def test_viewer_gets_403_on_the_form(client, viewer, bike):
    client.force_login(viewer)
    assert client.get(form_url("BIKE-7", "rental")).status_code == 403


@pytest.mark.parametrize("kind", ["sale", "retirement", "loss", "expense", "adjustment"])
def test_staff_may_not_record_disposals_or_corrections(client, staff, bike, kind):
    client.force_login(staff)
    assert client.get(form_url("BIKE-7", kind)).status_code == 403
    assert post(client, staff, kind, {"occurred_at": typed(hours_ago(1))}).status_code == 403


def test_unknown_kind_is_a_404_that_says_so(client, staff, bike):
    client.force_login(staff)
    response = client.get(form_url("BIKE-7", "party"))
    assert response.status_code == 404
    assert "There is no such kind of event (“party”)" in response.content.decode()


def test_missing_kind_is_a_404_that_says_so(client, staff, bike):
    client.force_login(staff)
    response = client.get(reverse("articles:event_new", args=["BIKE-7"]))
    assert response.status_code == 404
    assert "There is no such kind of event (none)" in response.content.decode()


def test_unknown_article_is_a_404(client, staff):
    client.force_login(staff)
    assert client.get(form_url("NOPE-1", "rental")).status_code == 404


def test_acquisition_is_not_recorded_here(client, staff, bike):
    client.force_login(staff)
    response = client.get(form_url("BIKE-7", "acquisition"))
    assert response.status_code == 409
    assert "recorded when the article is added" in response.content.decode()


def test_starting_a_rental_while_on_order_says_why_not(client, staff, bike):
    services.usage_start(article=bike, started_at=hours_ago(5), reference="R-1")
    client.force_login(staff)
    response = client.get(form_url("BIKE-7", "rental"))
    assert response.status_code == 409
    assert "is on order since" in response.content.decode()
    response = post(client, staff, "rental", {"occurred_at": typed(hours_ago(1))})
    assert response.status_code == 409
    assert bike.events.filter(kind=EventKind.RENTAL).count() == 1


def test_ending_a_rental_that_is_not_out_says_why_not(client, staff, bike):
    client.force_login(staff)
    response = client.get(form_url("BIKE-7", "rental", end="1"))
    assert response.status_code == 409
    assert "BIKE-7 is not on order; there is no rental to end." in response.content.decode()


def test_retiring_an_article_on_order_says_why_not(client, manager, bike):
    services.usage_start(article=bike, started_at=hours_ago(5))
    client.force_login(manager)
    response = client.get(form_url("BIKE-7", "retirement"))
    assert response.status_code == 409
    assert "end that rental before retirement" in response.content.decode()


def test_a_kind_that_has_no_end_says_so(client, staff, bike):
    client.force_login(staff)
    response = client.get(form_url("BIKE-7", "note", end="1"))
    assert response.status_code == 409
    assert "A note has no end." in response.content.decode()


# --- the fields of each kind ---------------------------------------------------------------


def fields_of(client, user, kind: str, **query: str) -> list[str]:
    client.force_login(user)
    response = client.get(form_url("BIKE-7", kind, **query))
    assert response.status_code == 200
    return list(response.context["form"].fields)


def test_rental_form_offers_the_fields_of_a_usage(client, staff, bike):
    assert fields_of(client, staff, "rental") == [
        "occurred_at",
        "due_at",
        "ended_at",
        "revenue",
        "cost",
        "condition",
        "reference",
        "notes",
    ]


def test_repair_form_offers_downtime_and_cost_but_no_revenue(client, staff, bike):
    fields = fields_of(client, staff, "repair")
    assert "downtime" in fields and "cost" in fields and "due_at" in fields
    assert "revenue" not in fields and "store" not in fields


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("note", ["occurred_at", "reference", "notes"]),
        ("inspection", ["occurred_at", "cost", "condition", "reference", "notes"]),
        ("transfer", ["occurred_at", "cost", "store", "reference", "notes"]),
        ("status_change", ["occurred_at", "status", "reference", "notes"]),
        ("income", ["occurred_at", "revenue", "cost", "reference", "notes"]),
    ],
)
def test_each_form_offers_only_what_its_kind_takes(client, staff, bike, kind, expected):
    assert fields_of(client, staff, kind) == expected


def test_defaults_are_now_and_the_articles_condition(client, staff, bike):
    client.force_login(staff)
    form = client.get(form_url("BIKE-7", "rental")).context["form"]
    started = form.fields["occurred_at"].initial
    assert abs(started - timezone.now()) < dt.timedelta(minutes=2)
    assert form.fields["condition"].initial == Condition.GOOD


def test_transfer_offers_only_the_other_stores(client, staff, bike):
    client.force_login(staff)
    form = client.get(form_url("BIKE-7", "transfer")).context["form"]
    assert [store.name for store in form.fields["store"].queryset] == ["Seefeld"]


def test_staff_status_change_offers_no_disposals(client, staff, bike):
    client.force_login(staff)
    form = client.get(form_url("BIKE-7", "status_change")).context["form"]
    assert form.fields["status"].choices == [("out_of_use", "Take out of use")]


def test_manager_status_change_offers_every_target_of_the_lifecycle(client, manager, bike):
    client.force_login(manager)
    form = client.get(form_url("BIKE-7", "status_change", status="lost")).context["form"]
    assert [value for value, _ in form.fields["status"].choices] == [
        "out_of_use",
        "lost",
        "sold",
        "retired",
    ]
    assert form.fields["status"].initial == "lost"


# --- recording through the services ----------------------------------------------------------


def test_starting_and_ending_a_rental_changes_history_and_figures(client, manager, bike):
    started, due = hours_ago(26), timezone.now() + dt.timedelta(days=2)
    response = post(
        client,
        manager,
        "rental",
        {
            "occurred_at": typed(started),
            "due_at": typed(due),
            "revenue": "45.00",
            "condition": "good",
            "reference": "R-100",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("articles:detail", args=["BIKE-7"])
    page = client.get(response["Location"])
    assert "Rental started; due back" in page.content.decode()
    assert page.context["open_usage"].reference == "R-100"
    assert "End rental" in page.content.decode()

    response = post(
        client,
        manager,
        "rental",
        {"ended_at": typed(hours_ago(2)), "condition": "fair", "revenue": "50.00", "notes": ""},
        end="1",
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    html = page.content.decode()
    assert "Rental ended at" in html and "back in fair condition" in html
    assert page.context["open_usage"] is None
    kinds = [entry.event.kind for entry in page.context["history"]]
    assert kinds == [EventKind.INCOME, EventKind.RENTAL, EventKind.ACQUISITION]
    figures = {figure["label"]: figure["value"] for figure in page.context["figures"]}
    assert figures["Revenue"] == "50.00 EUR"  # 45.00 at the start, 5.00 more at the return
    assert figures["Uses"] == "1"
    bike.refresh_from_db()
    assert bike.condition == Condition.FAIR
    rental = bike.events.get(kind=EventKind.RENTAL)
    assert rental.recorded_by_name == "mia-manager" and rental.closed_by_name == "mia-manager"


def test_rental_message_says_when_it_is_due(client, staff, bike):
    due = timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + dt.timedelta(
        days=2
    )
    response = post(
        client,
        staff,
        "rental",
        {"occurred_at": typed(hours_ago(1)), "due_at": typed(due), "condition": "good"},
    )
    page = client.get(response["Location"])
    expected = f"Rental started; due back {due.day} {due:%b} 10:00."
    assert expected in page.content.decode()


def test_repair_with_downtime_takes_it_out_of_use_until_it_ends(client, staff, bike):
    response = post(
        client,
        staff,
        "repair",
        {
            "occurred_at": typed(hours_ago(3)),
            "downtime": "on",
            "cost": "30",
            "condition": "fair",
            "reference": "WO-1",
        },
    )
    assert response.status_code == 302
    bike.refresh_from_db()
    assert bike.status == Status.OUT_OF_USE
    page = client.get(response["Location"])
    assert "End repair" in page.content.decode()
    assert "Start rental" not in page.content.decode()

    client.force_login(staff)
    form = client.get(form_url("BIKE-7", "repair", end="1")).context["form"]
    downtime = form.fields["downtime"].initial
    response = post(
        client,
        staff,
        "repair",
        {"downtime": downtime, "ended_at": typed(hours_ago(1)), "condition": "good"},
        end="1",
    )
    assert response.status_code == 302
    bike.refresh_from_db()
    assert bike.status == Status.ACTIVE and bike.condition == Condition.GOOD
    assert (
        "Repair finished; BIKE-7 is back in use."
        in client.get(response["Location"]).content.decode()
    )


def test_service_refusal_is_shown_on_the_form(client, staff, bike):
    future = timezone.now() + dt.timedelta(hours=3)
    response = post(
        client, staff, "maintenance", {"occurred_at": typed(future), "condition": "good"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "is in the future" in " ".join(errors["occurred_at"])
    assert "is in the future" in response.content.decode()
    assert not bike.events.filter(kind=EventKind.MAINTENANCE).exists()


def test_refusal_without_a_field_is_shown_above_the_form(client, staff, bike):
    services.usage_start(
        article=bike, started_at=hours_ago(10), ended_at=hours_ago(5), reference="R-1"
    )
    response = post(
        client,
        staff,
        "rental",
        {"occurred_at": typed(hours_ago(8)), "condition": "good"},
    )
    assert response.status_code == 200
    assert "which overlaps this usage" in " ".join(response.context["form"].non_field_errors())


def test_form_errors_keep_the_input_and_record_nothing(client, staff, bike):
    response = post(client, staff, "income", {"occurred_at": "not a date", "revenue": "abc"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"occurred_at", "revenue"}
    assert not bike.events.filter(kind=EventKind.INCOME).exists()


def test_income_needs_an_amount(client, staff, bike):
    response = post(client, staff, "income", {"occurred_at": typed(hours_ago(1))})
    assert response.status_code == 200
    assert "needs an amount" in " ".join(response.context["form"].errors["revenue"])


def test_transfer_moves_it(client, staff, bike):
    client.force_login(staff)
    seefeld = client.get(form_url("BIKE-7", "transfer")).context["form"].fields["store"].queryset[0]
    response = post(
        client, staff, "transfer", {"occurred_at": typed(hours_ago(1)), "store": seefeld.pk}
    )
    assert response.status_code == 302
    bike.refresh_from_db()
    assert bike.store == seefeld
    assert "BIKE-7 moved to Seefeld." in client.get(response["Location"]).content.decode()


def test_taking_out_of_use_needs_a_reason_then_back_in_use(client, staff, bike):
    data = {"occurred_at": typed(hours_ago(2)), "status": "out_of_use"}
    response = post(client, staff, "status_change", data)
    assert "Say why the status changes." in response.context["form"].errors["notes"]
    response = post(client, staff, "status_change", {**data, "notes": "Flat tyre."})
    assert response.status_code == 302
    bike.refresh_from_db()
    assert bike.status == Status.OUT_OF_USE
    response = post(
        client,
        staff,
        "status_change",
        {"occurred_at": typed(hours_ago(1)), "status": "active", "notes": "Tyre fixed."},
    )
    bike.refresh_from_db()
    assert bike.status == Status.ACTIVE


def test_staff_cannot_dispose_through_the_status_change(client, staff, bike):
    response = post(
        client,
        staff,
        "status_change",
        {"occurred_at": typed(hours_ago(1)), "status": "sold", "notes": "Sold it."},
    )
    assert response.status_code == 200
    assert "status" in response.context["form"].errors
    bike.refresh_from_db()
    assert bike.status == Status.ACTIVE


def test_found_brings_a_lost_article_back(client, staff, bike):
    services.article_report_lost(article=bike, occurred_at=hours_ago(30))
    client.force_login(staff)
    form = client.get(form_url("BIKE-7", "status_change", status="active")).context["form"]
    assert form.fields["status"].choices == [("active", "Found")]
    assert "reference" not in form.fields
    response = post(
        client, staff, "status_change", {"occurred_at": typed(hours_ago(1)), "status": "active"}
    )
    assert response.status_code == 302
    bike.refresh_from_db()
    assert bike.status == Status.ACTIVE and bike.disposed_at is None
    assert bike.events.order_by("-pk")[0].notes == "Found."


def test_inspection_sets_the_condition(client, staff, bike):
    response = post(
        client, staff, "inspection", {"occurred_at": typed(hours_ago(1)), "condition": "poor"}
    )
    assert response.status_code == 302
    bike.refresh_from_db()
    assert bike.condition == Condition.POOR


def test_manager_sells_the_article(client, manager, bike):
    response = post(
        client, manager, "sale", {"occurred_at": typed(hours_ago(1)), "revenue": "400.00"}
    )
    assert response.status_code == 302
    bike.refresh_from_db()
    assert bike.status == Status.SOLD
    assert bike.events.get(kind=EventKind.SALE).revenue == Decimal("400.00")
    assert "BIKE-7 is sold." in client.get(response["Location"]).content.decode()


def test_manager_corrects_an_amount_with_a_negative_adjustment(client, manager, bike):
    response = post(
        client,
        manager,
        "adjustment",
        {"occurred_at": typed(hours_ago(1)), "revenue": "-12.50", "notes": "Refund."},
    )
    assert response.status_code == 302
    assert bike.events.get(kind=EventKind.ADJUSTMENT).revenue == Decimal("-12.50")


def test_income_may_not_be_negative(client, staff, bike):
    response = post(client, staff, "income", {"occurred_at": typed(hours_ago(1)), "revenue": "-5"})
    assert response.status_code == 200
    assert "revenue" in response.context["form"].errors


def test_note_needs_text_and_is_added(client, staff, bike):
    response = post(client, staff, "note", {"occurred_at": typed(hours_ago(1)), "notes": ""})
    assert "notes" in response.context["form"].errors
    response = post(client, staff, "note", {"occurred_at": typed(hours_ago(1)), "notes": "Bell."})
    assert response.status_code == 302
    assert Event.objects.get(kind=EventKind.NOTE).recorded_by_name == "sam-staff"


def test_ending_one_of_two_open_downtimes_asks_which(client, staff, bike):
    services.service_record(
        article=bike, kind=EventKind.REPAIR, downtime=True, occurred_at=hours_ago(5), reference="A"
    )
    services.service_record(
        article=bike, kind=EventKind.REPAIR, downtime=True, occurred_at=hours_ago(4), reference="B"
    )
    client.force_login(staff)
    form = client.get(form_url("BIKE-7", "repair", end="1")).context["form"]
    labels = [label for _, label in form.fields["downtime"].choices]
    assert len(labels) == 2 and "(A)" in labels[0] and "(B)" in labels[1]
    second = bike.events.get(reference="B")
    response = post(
        client,
        staff,
        "repair",
        {"downtime": second.pk, "ended_at": typed(hours_ago(1)), "condition": "good"},
        end="1",
    )
    assert response.status_code == 302
    bike.refresh_from_db()
    assert bike.status == Status.OUT_OF_USE  # the other downtime still holds it
    assert "still out of use" in client.get(response["Location"]).content.decode()


def test_a_downtime_of_another_article_cannot_be_ended_here(client, staff, bike):
    other = bought(SKUFactory.create(), "OTHER-1", "2025-01-01")
    services.service_record(
        article=bike, kind=EventKind.REPAIR, downtime=True, occurred_at=hours_ago(5)
    )
    foreign = services.service_record(
        article=other, kind=EventKind.REPAIR, downtime=True, occurred_at=hours_ago(5)
    )
    response = post(
        client,
        staff,
        "repair",
        {"downtime": foreign.pk, "ended_at": typed(hours_ago(1)), "condition": "good"},
        end="1",
    )
    assert response.status_code == 200
    assert "downtime" in response.context["form"].errors
    foreign.refresh_from_db()
    assert foreign.ended_at is None


def test_end_form_names_the_recorded_price_only_to_money_users(client, staff, manager, bike):
    services.usage_start(article=bike, started_at=hours_ago(5), revenue="45.00")
    url = form_url("BIKE-7", "rental", end="1")
    client.force_login(staff)
    assert "45.00" not in client.get(url).content.decode()
    client.force_login(manager)
    assert "45.00 EUR" in client.get(url).content.decode()


def test_typed_moments_are_read_in_the_installations_time_zone(client, staff, bike, settings):
    settings.TIME_ZONE = "Europe/Vienna"
    started = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=3)
    typed_in_vienna = timezone.localtime(started)  # one or two hours ahead of UTC
    assert str(typed_in_vienna.tzinfo) == "Europe/Vienna"
    response = post(
        client,
        staff,
        "rental",
        {"occurred_at": typed_in_vienna.strftime(MOMENT_FORMAT), "condition": "good"},
    )
    assert response.status_code == 302
    assert bike.events.get(kind=EventKind.RENTAL).occurred_at == started
