"""On PostgreSQL the database itself keeps the ledger append-only (migration 0004):
raw SQL that bypasses every service is refused, but for closing an event once and
the deletion of a user."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from articles import services
from articles.models import Event
from tests.factories import ArticleFactory, UserFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the trigger is PostgreSQL's (migration 0004)"
    ),
]

APPEND_ONLY = "The ledger is append-only"


def at(day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, 5, day, hour))


def execute(sql: str, *params: dt.datetime | int | str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def usage(user):
    return services.usage_start(
        article=ArticleFactory.create(), started_at=at(3), revenue="40", acting_user=user
    )


def test_raw_sql_cannot_rewrite_an_events_revenue(usage):
    with pytest.raises(DatabaseError, match=APPEND_ONLY):
        execute("UPDATE articles_event SET revenue = 90 WHERE id = %s", usage.pk)

    assert Event.objects.get(pk=usage.pk).revenue == 40


def test_raw_sql_cannot_delete_an_event(usage):
    with pytest.raises(DatabaseError, match=APPEND_ONLY):
        execute("DELETE FROM articles_event WHERE id = %s", usage.pk)

    assert Event.objects.filter(pk=usage.pk).exists()


def test_an_event_is_closed_once_and_then_stays(usage, user):
    closing = (
        "UPDATE articles_event SET ended_at = %s, condition = 'fair', closed_at = now(), "
        "closed_by_id = %s, closed_by_name = %s WHERE id = %s"
    )
    execute(closing, at(5), user.pk, user.username, usage.pk)

    with pytest.raises(DatabaseError, match=APPEND_ONLY):
        execute(closing, at(6), user.pk, user.username, usage.pk)
    usage.refresh_from_db()
    assert (usage.ended_at, usage.condition) == (at(5), "fair")


def test_closing_cannot_change_anything_else(usage):
    with pytest.raises(DatabaseError, match=APPEND_ONLY):
        execute(
            "UPDATE articles_event SET ended_at = %s, notes = 'rewritten' WHERE id = %s",
            at(5),
            usage.pk,
        )


def test_deleting_a_user_clears_the_account_and_keeps_the_name(usage):
    closer = UserFactory.create(username="closer")
    services.usage_end(article=usage.article, ended_at=at(5), acting_user=closer)

    get_user_model().objects.filter(pk__in=[usage.recorded_by_id, closer.pk]).delete()

    usage.refresh_from_db()
    assert (usage.recorded_by_id, usage.closed_by_id) == (None, None)
    assert usage.recorded_by_name and usage.closed_by_name == "closer"
