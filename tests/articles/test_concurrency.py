"""Two people starting a usage on the same article at the same moment (PostgreSQL only:
SQLite has neither row locks nor concurrent writers)."""

import threading
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from articles import services
from articles.models import Article, Event, EventKind, Status
from articles.services import usages as usage_services
from tests.factories import ArticleFactory, EventFactory, UserFactory
from tests.helpers import at

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and connections"
    ),
    pytest.mark.django_db(transaction=True),
]

TIMEOUT = 30  # seconds; only reached if a thread hangs


def start_together(article, users):
    """Start a rental on ``article`` from one thread per user, released together by a
    barrier; return each thread's outcome: the Event, or the ValidationError."""
    barrier = threading.Barrier(len(users))
    outcomes: dict[str, Event | Exception] = {}

    def run(user):
        try:
            barrier.wait(timeout=TIMEOUT)
            outcomes[user.username] = services.usage_start(
                article=article, reference=f"ORD-{user.username}", acting_user=user
            )
        except Exception as error:  # a refusal, or anything else: asserted below
            outcomes[user.username] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting"
    return outcomes


def test_two_simultaneous_usage_starts_give_exactly_one_usage():
    article = ArticleFactory.create(number="BIKE-1")
    users = [UserFactory.create(username="anna"), UserFactory.create(username="ben")]

    outcomes = start_together(article, users)

    events = [o for o in outcomes.values() if isinstance(o, Event)]
    refusals = [o for o in outcomes.values() if not isinstance(o, Event)]
    assert len(events) == 1, outcomes
    assert len(refusals) == 1, outcomes
    assert isinstance(refusals[0], ValidationError), refusals[0]
    winner = events[0]
    assert refusals[0].messages == [
        f"BIKE-1 is on order since {services.format_moment(winner.occurred_at)} "
        f"({winner.reference}); end that rental first."
    ]
    stored = Event.objects.get(article=article)
    assert (stored.kind, stored.pk, stored.ended_at) == (EventKind.RENTAL, winner.pk, None)
    assert stored.recorded_by is not None
    assert stored.recorded_by.username == winner.reference.removeprefix("ORD-")


@pytest.fixture
def check_misses_once(monkeypatch):
    """Make the service's own overlap check miss the first time, as it does when the
    other usage is committed between the check and the insert."""
    real = usage_services._refuse_overlap
    calls = []

    def refuse_overlap(article, start, end):
        calls.append(start)
        if len(calls) > 1:
            real(article, start, end)

    monkeypatch.setattr(usage_services, "_refuse_overlap", refuse_overlap)
    return calls


@pytest.mark.django_db(transaction=False)
def test_an_overlap_caught_by_the_database_is_refused_with_the_same_message(
    check_misses_once, assert_refused
):
    article = ArticleFactory.create(number="BIKE-1")
    EventFactory.create(
        article=article, kind=EventKind.RENTAL, occurred_at=at(3, 9), reference="ORD-118"
    )

    assert_refused(
        services.usage_start,
        r"^BIKE-1 is on order since 3 May 2025 09:00 \(ORD-118\); end that rental first\.$",
        article=article,
        started_at=at(4),
    )
    assert len(check_misses_once) == 2


@pytest.mark.django_db(transaction=False)
def test_an_overlap_caught_only_by_the_database_still_gets_a_clear_message(
    monkeypatch, assert_refused
):
    monkeypatch.setattr(usage_services, "_refuse_overlap", lambda article, start, end: None)
    article = ArticleFactory.create(number="BIKE-1")
    EventFactory.create(article=article, kind=EventKind.RENTAL, occurred_at=at(3), ended_at=at(7))

    assert_refused(
        services.usage_start,
        "^BIKE-1 already has a usage at that time; usages of one article cannot overlap\\.$",
        article=article,
        started_at=at(5),
        ended_at=at(6),
    )


def wait_until_a_session_waits_for_a_lock():
    """Poll PostgreSQL until another session of this database waits for a lock."""
    deadline = time.monotonic() + TIMEOUT
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.01)
    raise AssertionError("no session ever waited for a lock")


def test_usage_start_decides_on_the_article_as_a_concurrent_change_left_it():
    """While another transaction takes the article out of use, usage_start waits for
    its row lock and then refuses; deciding on the row read before would put an
    out-of-use article on rental."""
    article = ArticleFactory.create(number="BIKE-1")
    held, release = threading.Event(), threading.Event()
    outcome: list[Event | Exception] = []

    def take_out_of_use():
        try:
            with transaction.atomic():
                Article.objects.select_for_update().get(pk=article.pk)
                Article.objects.filter(pk=article.pk).update(status=Status.OUT_OF_USE)
                held.set()
                release.wait(timeout=TIMEOUT)
        finally:
            connection.close()

    def start_rental():
        try:
            outcome.append(services.usage_start(article=article))
        except Exception as error:  # the refusal, asserted below
            outcome.append(error)
        finally:
            connection.close()

    holder = threading.Thread(target=take_out_of_use)
    starter = threading.Thread(target=start_rental)
    holder.start()
    try:
        assert held.wait(timeout=TIMEOUT)
        starter.start()
        wait_until_a_session_waits_for_a_lock()
    finally:
        release.set()
        holder.join(timeout=TIMEOUT)
        starter.join(timeout=TIMEOUT)

    assert len(outcome) == 1
    assert isinstance(outcome[0], ValidationError), outcome[0]
    assert outcome[0].messages == ["BIKE-1 is out of use; only active articles can go on rental."]
    assert not Event.objects.exists()
