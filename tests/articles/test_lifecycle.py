"""The status lifecycle table of SPEC.md, cell by cell, through ``article_status_change``."""

import pytest

from articles import services
from articles.models import Event, EventKind, Status
from tests.factories import ArticleFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db

DISPOSED = {"lost", "sold", "retired"}
# SPEC.md "Status lifecycle", read off the table by hand: every "yes" cell.
ALLOWED = [
    ("active", "out_of_use"),
    ("active", "lost"),
    ("active", "sold"),
    ("active", "retired"),
    ("out_of_use", "active"),
    ("out_of_use", "lost"),
    ("out_of_use", "sold"),
    ("out_of_use", "retired"),
    ("lost", "active"),
    ("lost", "retired"),
]
# Every empty cell off the diagonal, with the label the refusal uses.
REFUSED = [
    ("lost", "out_of_use"),
    ("lost", "sold"),
    ("sold", "active"),
    ("sold", "out_of_use"),
    ("sold", "lost"),
    ("sold", "retired"),
    ("retired", "active"),
    ("retired", "out_of_use"),
    ("retired", "lost"),
    ("retired", "sold"),
]
LABEL = {
    "active": "active",
    "out_of_use": "out of use",
    "lost": "lost",
    "sold": "sold",
    "retired": "retired",
}


def article_in(status: str):
    return ArticleFactory.create(
        number="BIKE-1", status=status, disposed_at=at(1) if status in DISPOSED else None
    )


def test_the_table_has_every_pair_of_distinct_statuses_once():
    pairs = {(a, b) for a in LABEL for b in LABEL if a != b}
    assert set(ALLOWED) | set(REFUSED) == pairs
    assert not set(ALLOWED) & set(REFUSED)


@pytest.mark.parametrize(("source", "target"), ALLOWED)
def test_status_change_allowed_by_the_table(source, target, user):
    article = article_in(source)

    event = services.article_status_change(
        article=article, status=target, occurred_at=at(5), notes="Checked.", acting_user=user
    )

    article.refresh_from_db()
    assert article.status == target
    assert (event.kind, event.status, event.occurred_at) == (EventKind.STATUS_CHANGE, target, at(5))
    assert event.notes == "Checked."
    assert event.recorded_by == user
    if target == "active":
        assert article.disposed_at is None
    elif source == "lost":  # lost -> retired: written off, gone since the loss
        assert article.disposed_at == at(1)
    elif target in DISPOSED:
        assert article.disposed_at == at(5)
    else:
        assert article.disposed_at is None


@pytest.mark.parametrize(("source", "target"), REFUSED)
def test_status_change_refused_by_the_table(source, target, assert_refused):
    article = article_in(source)

    assert_refused(
        services.article_status_change,
        f"^BIKE-1 is {LABEL[source]}; it cannot become {LABEL[target]}\\.$",
        article=article,
        status=target,
        occurred_at=at(5),
    )


@pytest.mark.parametrize("status", list(LABEL))
def test_status_change_to_the_same_status_is_refused(status, assert_refused):
    article = article_in(status)

    assert_refused(
        services.article_status_change,
        f"^BIKE-1 is already {LABEL[status]}\\.$",
        article=article,
        status=status,
        occurred_at=at(5),
    )


def test_status_change_to_an_unknown_status_is_refused(assert_refused):
    article = article_in("active")

    assert_refused(
        services.article_status_change,
        "'broken' is not a status",
        article=article,
        status="broken",
    )


@pytest.mark.parametrize(
    ("service", "source", "target"),
    [
        (services.article_sell, "lost", "sold"),
        (services.article_sell, "retired", "sold"),
        (services.article_retire, "sold", "retired"),
        (services.article_report_lost, "sold", "lost"),
        (services.article_report_lost, "retired", "lost"),
    ],
)
def test_disposal_services_follow_the_table(service, source, target, assert_refused):
    article = article_in(source)
    kwargs = {"price": "10"} if service is services.article_sell else {}

    assert_refused(
        service,
        f"^BIKE-1 is {LABEL[source]}; it cannot become {LABEL[target]}\\.$",
        article=article,
        occurred_at=at(5),
        **kwargs,
    )


def test_disposing_twice_is_refused_as_already_disposed(assert_refused):
    article = article_in("lost")

    assert_refused(
        services.article_report_lost,
        "^BIKE-1 is already lost\\.$",
        article=article,
        occurred_at=at(5),
    )


def test_every_status_change_is_one_event():
    article = article_in("active")

    services.article_status_change(article=article, status="out_of_use", occurred_at=at(3))
    services.article_status_change(article=article, status="active", occurred_at=at(4))
    services.article_status_change(article=article, status="lost", occurred_at=at(5))

    changes = Event.objects.filter(article=article, kind=EventKind.STATUS_CHANGE)
    assert list(changes.values_list("status", flat=True)) == [
        Status.OUT_OF_USE,
        Status.ACTIVE,
        Status.LOST,
    ]
