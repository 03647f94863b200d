"""The ledger records what has happened; what is planned goes in ``due_at``
(SPEC.md "Events"), and times the installation's clock never shows are refused."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.forms import EventRecordForm, UsageEndForm
from articles.models import Condition, Event, EventKind, Status, Store
from tests.factories import ArticleFactory, StoreFactory

pytestmark = pytest.mark.django_db

FUTURE = "is in the future; the ledger records what has happened"


def ago(**delta: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(**delta)


def ahead(**delta: float) -> dt.datetime:
    return timezone.now() + dt.timedelta(**delta)


@pytest.fixture
def article():
    return ArticleFactory.create(number="BIKE-1", condition=Condition.GOOD)


# --- moments that have happened ---------------------------------------------------------


def _services_at(article, moment):
    """Every service that records an event, each called at ``moment``."""
    store = StoreFactory.create() if article is not None else Store()
    return {
        "usage_start": lambda: services.usage_start(article=article, started_at=moment),
        "service_record": lambda: services.service_record(
            article=article, kind=EventKind.REPAIR, occurred_at=moment
        ),
        "inspection_record": lambda: services.inspection_record(
            article=article, condition=Condition.FAIR, occurred_at=moment
        ),
        "article_transfer": lambda: services.article_transfer(
            article=article, store=store, occurred_at=moment
        ),
        "money_record": lambda: services.money_record(
            article=article, kind=EventKind.INCOME, revenue="5", occurred_at=moment
        ),
        "note_record": lambda: services.note_record(article=article, notes="x", occurred_at=moment),
        "article_status_change": lambda: services.article_status_change(
            article=article, status=Status.OUT_OF_USE, occurred_at=moment
        ),
        "article_sell": lambda: services.article_sell(
            article=article, price="10", occurred_at=moment
        ),
        "article_retire": lambda: services.article_retire(article=article, occurred_at=moment),
        "article_report_lost": lambda: services.article_report_lost(
            article=article, occurred_at=moment
        ),
        "event_record": lambda: services.event_record(
            article=article, kind=EventKind.NOTE, notes="x", occurred_at=moment
        ),
    }


SERVICES = list(_services_at(None, None))


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_refuses_a_start_in_the_future(name, article, assert_refused):
    call = _services_at(article, ahead(hours=2))[name]

    error = assert_refused(lambda: call(), FUTURE)

    assert "occurred_at" in error.message_dict


@pytest.mark.parametrize("name", SERVICES)
def test_every_service_refuses_a_start_before_1970(name, article, assert_refused):
    moment = timezone.make_aware(dt.datetime(1969, 12, 31, 12))
    call = _services_at(article, moment)[name]

    assert_refused(lambda: call(), r"before 1970; check the year")


def test_a_moment_within_a_minute_of_clock_difference_is_accepted(article):
    event = services.note_record(article=article, notes="x", occurred_at=ahead(seconds=30))

    assert event.pk is not None


def test_a_repair_recorded_with_an_end_in_the_future_is_refused(article, assert_refused):
    """Recorded on 2 Dec "from 2 Dec to 5 Dec", it used to leave the bike active."""
    error = assert_refused(
        services.service_record,
        FUTURE + ". Put when it is planned to end in the due date.",
        article=article,
        kind=EventKind.REPAIR,
        occurred_at=ago(hours=1),
        ended_at=ahead(days=3),
    )
    assert list(error.message_dict) == ["ended_at"]


def test_ending_a_downtime_in_the_future_is_refused(article, assert_refused):
    """ "End downtime" dated 5 Dec used to put the bike back in use on 2 Dec."""
    repair = services.service_record(
        article=article, kind=EventKind.REPAIR, occurred_at=ago(hours=1), downtime=True
    )

    assert_refused(services.service_end, FUTURE, event=repair, ended_at=ahead(days=3))

    article.refresh_from_db()
    assert article.status == Status.OUT_OF_USE


def test_ending_a_usage_in_the_future_is_refused(article, assert_refused):
    services.usage_start(article=article, started_at=ago(days=1))

    assert_refused(services.usage_end, FUTURE, article=article, ended_at=ahead(days=1))


def test_a_usage_recorded_with_an_end_in_the_future_is_refused(article, assert_refused):
    assert_refused(
        services.usage_start,
        FUTURE,
        article=article,
        started_at=ago(days=1),
        ended_at=ahead(days=1),
    )


def test_article_create_refuses_an_acquisition_in_the_future(article, assert_refused):
    assert_refused(
        services.article_create,
        FUTURE,
        sku=article.sku,
        store=article.store,
        purchased_on=timezone.localdate(),
        acquired_at=ahead(days=1),
    )


# --- due dates --------------------------------------------------------------------------


def test_a_usage_carries_its_due_date_which_may_lie_ahead(article):
    due = ahead(days=3)

    usage = services.usage_start(article=article, started_at=ago(hours=2), due_at=due)

    assert Event.objects.get(pk=usage.pk).due_at == due
    assert list(Event.objects.overdue()) == []
    assert list(Event.objects.overdue(at=due + dt.timedelta(minutes=1))) == [usage]


def test_an_open_usage_past_its_due_date_is_overdue(article):
    usage = services.usage_start(article=article, started_at=ago(days=3), due_at=ago(days=1))

    assert list(Event.objects.overdue()) == [usage]
    assert usage.is_overdue
    services.usage_end(article=article, ended_at=ago(hours=1))
    assert list(Event.objects.overdue()) == []


@pytest.mark.parametrize("ended", [False, True])
def test_downtime_open_or_completed_carries_its_due_date(ended, article):
    due = ago(hours=5)

    event = services.service_record(
        article=article,
        kind=EventKind.REPAIR,
        occurred_at=ago(days=1),
        downtime=True,
        ended_at=ago(hours=1) if ended else None,
        due_at=due,
    )

    assert Event.objects.get(pk=event.pk).due_at == due
    assert list(Event.objects.overdue()) == ([] if ended else [event])


def test_a_due_date_before_the_start_is_refused(article, assert_refused):
    assert_refused(
        services.usage_start,
        r"The due date \(.*\) is before the start",
        article=article,
        started_at=ago(days=1),
        due_at=ago(days=2),
    )


def test_service_work_without_downtime_takes_no_due_date(article, assert_refused):
    assert_refused(
        services.service_record,
        "Service work takes a due date only with downtime",
        article=article,
        kind=EventKind.CLEANING,
        occurred_at=ago(days=1),
        due_at=ahead(days=1),
    )


def test_event_record_refuses_a_due_date_on_a_kind_that_cannot_be_open(article, assert_refused):
    assert_refused(
        services.event_record,
        "An inspection takes no due date; only usages and downtime do.",
        article=article,
        kind=EventKind.INSPECTION,
        condition=Condition.FAIR,
        occurred_at=ago(days=1),
        due_at=ahead(days=1),
    )


def test_event_record_passes_the_due_date_of_an_open_downtime(article):
    event = services.event_record(
        article=article,
        kind=EventKind.MAINTENANCE,
        status=Status.OUT_OF_USE,
        occurred_at=ago(days=1),
        due_at=ahead(days=1),
    )

    assert event.due_at is not None and event.downtime


# --- the admin --------------------------------------------------------------------------


def _post_time(moment: dt.datetime) -> dict[str, str]:
    local = timezone.localtime(moment)
    return {"0": local.strftime("%Y-%m-%d"), "1": local.strftime("%H:%M")}


def test_the_record_form_takes_a_due_date_and_the_ledger_flags_it_overdue(admin_client, article):
    start, due = ago(days=3), ago(days=1)
    data = {"kind": EventKind.RENTAL, "revenue": "", "cost": "", "condition": ""}
    for name, moment in (("occurred_at", start), ("due_at", due)):
        data.update({f"{name}_{part}": value for part, value in _post_time(moment).items()})

    response = admin_client.post(
        reverse("admin:articles_article_record_event", args=[article.pk]), data
    )

    assert response.status_code == 302
    usage = article.events.get(kind=EventKind.RENTAL)
    assert usage.due_at == due.replace(second=0, microsecond=0)
    page = admin_client.get(reverse("admin:articles_article_change", args=[article.pk]))
    assert "(overdue)" in page.text
    listing = admin_client.get(reverse("admin:articles_event_changelist") + "?overdue=yes")
    assert list(listing.context["cl"].result_list) == [usage]
    assert "(overdue)" in listing.text


def test_the_record_form_refuses_a_start_in_the_future(admin_client, article):
    data = {"kind": EventKind.NOTE, "notes": "x", "condition": ""}
    data.update({f"occurred_at_{part}": value for part, value in _post_time(ahead(days=2)).items()})

    response = admin_client.post(
        reverse("admin:articles_article_record_event", args=[article.pk]), data
    )

    assert response.status_code == 200
    assert FUTURE in response.context["form"].errors["occurred_at"][0]


@pytest.mark.parametrize(
    ("day", "what"),
    [
        ("2025-03-30", "skipped when the clocks go forward"),
        ("2025-10-26", "repeated when the clocks go back"),
    ],
)
@pytest.mark.parametrize("form_class", [EventRecordForm, UsageEndForm])
def test_admin_forms_refuse_a_time_that_does_not_exist_or_occurs_twice(
    form_class, day, what, settings
):
    settings.TIME_ZONE = "Europe/Vienna"
    name = "occurred_at" if form_class is EventRecordForm else "ended_at"
    with timezone.override("Europe/Vienna"):
        form = form_class({"kind": EventKind.NOTE, f"{name}_0": day, f"{name}_1": "02:30"})

        assert not form.is_valid(), what
    assert "couldn’t be interpreted in time zone Europe/Vienna" in form.errors[name][0]


def test_admin_forms_accept_the_hour_after_the_clock_change(settings):
    with timezone.override("Europe/Vienna"):
        form = UsageEndForm({"ended_at_0": "2025-10-26", "ended_at_1": "03:30"})

        assert form.is_valid(), form.errors
        assert form.cleaned_data["ended_at"] == dt.datetime(2025, 10, 26, 2, 30, tzinfo=dt.UTC)


def test_money_fields_allow_a_minus_sign_only_where_a_correction_may_be_recorded():
    record = EventRecordForm({"kind": EventKind.ADJUSTMENT, "revenue": "-5", "cost": "-1"})
    end = UsageEndForm({"revenue": "-5"})

    assert "revenue" not in record.errors and "cost" not in record.errors
    assert "greater than or equal to 0" in end.errors["revenue"][0]
    assert Decimal(record.cleaned_data["revenue"]) == Decimal("-5")
