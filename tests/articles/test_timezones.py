"""Times are stored aware and read in the installation's time zone (SPEC.md "Article")."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles import services
from articles.models import Event, EventKind
from tests.factories import ArticleFactory, SKUFactory, StoreFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
UTC = dt.UTC


@pytest.fixture(autouse=True)
def berlin(settings):
    settings.TIME_ZONE = "Europe/Berlin"


def test_an_event_at_2330_local_time_belongs_to_that_local_day():
    article = ArticleFactory.create(number="BIKE-1")
    late = dt.datetime(2025, 5, 3, 23, 30, tzinfo=BERLIN)

    services.note_record(article=article, notes="Returned late.", occurred_at=late)

    stored = Event.objects.get(article=article).occurred_at
    assert stored == dt.datetime(2025, 5, 3, 21, 30, tzinfo=UTC)
    assert timezone.localdate(stored) == dt.date(2025, 5, 3)
    assert services.format_moment(stored) == "3 May 2025 23:30"
    assert services.start_of_day(dt.date(2025, 5, 3)) <= stored
    assert stored < services.start_of_day(dt.date(2025, 5, 4))


def test_an_event_at_0030_local_time_belongs_to_the_next_local_day_though_utc_says_otherwise():
    article = ArticleFactory.create(number="BIKE-1")
    early = dt.datetime(2025, 5, 4, 0, 30, tzinfo=BERLIN)

    services.note_record(article=article, notes="Picked up early.", occurred_at=early)

    stored = Event.objects.get(article=article).occurred_at
    assert stored.astimezone(UTC).date() == dt.date(2025, 5, 3)
    assert timezone.localdate(stored) == dt.date(2025, 5, 4)
    assert services.format_moment(stored) == "4 May 2025 00:30"
    assert stored >= services.start_of_day(dt.date(2025, 5, 4))


def test_start_of_day_is_local_midnight_in_summer():
    assert services.start_of_day(dt.date(2025, 5, 3)) == dt.datetime(2025, 5, 2, 22, tzinfo=UTC)


def test_start_of_day_is_local_midnight_in_winter():
    assert services.start_of_day(dt.date(2025, 1, 15)) == dt.datetime(2025, 1, 14, 23, tzinfo=UTC)


def test_the_day_the_clocks_go_forward_lasts_23_hours():
    length = services.start_of_day(dt.date(2025, 3, 31)) - services.start_of_day(
        dt.date(2025, 3, 30)
    )

    assert length == dt.timedelta(hours=23)


def test_the_acquisition_happens_at_local_midnight_of_the_purchase_day():
    article = services.article_create(
        sku=SKUFactory.create(), store=StoreFactory.create(), purchased_on=dt.date(2025, 5, 3)
    )

    acquisition = Event.objects.get(article=article, kind=EventKind.ACQUISITION)
    assert acquisition.occurred_at == dt.datetime(2025, 5, 2, 22, tzinfo=UTC)
    assert timezone.localdate(acquisition.occurred_at) == dt.date(2025, 5, 3)


def test_refusal_messages_show_local_time():
    article = ArticleFactory.create(number="BIKE-1")
    services.usage_start(article=article, started_at=dt.datetime(2025, 5, 3, 21, 30, tzinfo=UTC))

    with pytest.raises(ValidationError, match="on order since 3 May 2025 23:30"):
        services.usage_start(article=article, started_at=dt.datetime(2025, 5, 4, tzinfo=UTC))


def test_the_setting_is_what_moves_the_day(settings):
    settings.TIME_ZONE = "UTC"

    assert services.start_of_day(dt.date(2025, 5, 3)) == dt.datetime(2025, 5, 3, tzinfo=UTC)
    assert services.format_moment(dt.datetime(2025, 5, 3, 21, 30, tzinfo=UTC)) == (
        "3 May 2025 21:30"
    )
