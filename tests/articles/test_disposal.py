"""Sale (with buy-out), retirement, loss and found (SPEC.md "Status lifecycle")."""

from decimal import Decimal

import pytest

from articles import services
from articles.models import Article, Event, EventKind, Status
from tests.factories import ArticleFactory
from tests.helpers import at

pytestmark = pytest.mark.django_db


def test_sale_of_an_article_in_stock(article, user):
    event = services.article_sell(
        article=article,
        price="350",
        cost="15",
        occurred_at=at(6),
        reference="S-1",
        acting_user=user,
    )

    article.refresh_from_db()
    assert (event.kind, event.revenue, event.cost) == (EventKind.SALE, Decimal("350"), 15)
    assert event.recorded_by == user
    assert (article.status, article.disposed_at) == (Status.SOLD, at(6))
    assert (article.total_sale_proceeds, article.total_revenue) == (Decimal("350"), 0)


def test_sale_while_on_order_is_a_buy_out_that_ends_the_usage(article):
    usage = services.usage_start(article=article, started_at=at(3), reference="ORD-1")

    services.article_sell(article=article, price="300", occurred_at=at(6, 15))

    usage.refresh_from_db()
    article.refresh_from_db()
    assert usage.ended_at == at(6, 15)
    assert usage.notes == ""  # the usage is closed, never rewritten
    assert (article.status, article.disposed_at) == (Status.SOLD, at(6, 15))
    assert list(Article.objects.on_order(at=at(7))) == []


def test_sale_of_an_article_out_of_use(article):
    article.status = Status.OUT_OF_USE
    article.save()

    services.article_sell(article=article, price="80", occurred_at=at(6))

    assert Article.objects.get(pk=article.pk).status == Status.SOLD


def test_sale_before_a_later_usage_is_refused(article, assert_refused):
    services.usage_start(article=article, started_at=at(10), ended_at=at(12), reference="ORD-9")

    assert_refused(
        services.article_sell,
        r"^BIKE-1 has a rental \(ORD-9\) starting 10 May 2025 10:00, after this sale\.$",
        article=article,
        price="300",
        occurred_at=at(6),
    )


def test_sale_at_the_moment_a_usage_starts_is_refused(article, assert_refused):
    services.usage_start(article=article, started_at=at(6), ended_at=at(8))

    assert_refused(
        services.article_sell,
        "^BIKE-1 has a rental starting 6 May 2025 10:00, after this sale\\.$",
        article=article,
        price="300",
        occurred_at=at(6),
    )


def test_sale_during_a_completed_usage_is_refused(article, assert_refused):
    services.usage_start(
        article=article,
        kind=EventKind.SUBSCRIPTION,
        started_at=at(3),
        ended_at=at(8),
        reference="SUB-4",
    )

    assert_refused(
        services.article_sell,
        r"^BIKE-1 was on subscription \(SUB-4\) until 8 May 2025 10:00, after this sale\.$",
        article=article,
        price="300",
        occurred_at=at(6),
    )


def test_sale_as_a_usage_ends_is_accepted(article):
    services.usage_start(article=article, started_at=at(3), ended_at=at(6))

    services.article_sell(article=article, price="300", occurred_at=at(6))

    assert Article.objects.get(pk=article.pk).status == Status.SOLD


def test_retirement_of_an_article_in_stock(article, user):
    event = services.article_retire(
        article=article, occurred_at=at(6), cost="25", notes="Frame cracked.", acting_user=user
    )

    article.refresh_from_db()
    assert (event.kind, event.cost, event.recorded_by) == (EventKind.RETIREMENT, 25, user)
    assert (article.status, article.disposed_at) == (Status.RETIRED, at(6))
    assert article.total_expenses == Decimal("25")


def test_retirement_while_on_order_is_refused(article, assert_refused):
    services.usage_start(article=article, started_at=at(3), reference="ORD-1")

    assert_refused(
        services.article_retire,
        r"^BIKE-1 is on order since 3 May 2025 10:00 \(ORD-1\); end that rental before "
        r"retirement\.$",
        article=article,
        occurred_at=at(6),
    )


def test_retirement_by_status_change_while_on_order_is_refused(article, assert_refused):
    services.usage_start(article=article, started_at=at(3))

    assert_refused(
        services.article_status_change,
        "^BIKE-1 is on order since 3 May 2025 10:00; end that rental before status change\\.$",
        article=article,
        status=Status.RETIRED,
        occurred_at=at(6),
    )


def test_loss_while_on_order_ends_the_usage(article):
    usage = services.usage_start(article=article, started_at=at(3))

    services.article_report_lost(
        article=article, occurred_at=at(6), revenue="400", notes="Not returned."
    )

    usage.refresh_from_db()
    article.refresh_from_db()
    assert (usage.ended_at, usage.notes) == (at(6), "")
    assert (article.status, article.disposed_at) == (Status.LOST, at(6))
    assert article.total_revenue == Decimal("400")


def test_loss_by_status_change_while_on_order_ends_the_usage(article):
    usage = services.usage_start(article=article, started_at=at(3))

    services.article_status_change(article=article, status=Status.LOST, occurred_at=at(6))

    usage.refresh_from_db()
    assert usage.ended_at == at(6)


def test_found_clears_the_disposal(article, user):
    services.article_report_lost(article=article, occurred_at=at(6))

    event = services.article_found(article=article, occurred_at=at(9), acting_user=user)

    article.refresh_from_db()
    assert (article.status, article.disposed_at) == (Status.ACTIVE, None)
    assert (event.kind, event.status, event.notes) == (EventKind.STATUS_CHANGE, "active", "Found.")
    assert event.recorded_by == user


def test_a_found_article_can_go_on_rental_again(article):
    services.article_report_lost(article=article, occurred_at=at(6))
    services.article_found(article=article, occurred_at=at(9))

    services.usage_start(article=article, started_at=at(10))

    assert list(Article.objects.on_order(at=at(11))) == [article]


def test_found_before_the_loss_is_refused(article, assert_refused):
    services.article_report_lost(article=article, occurred_at=at(6))

    assert_refused(
        services.article_found,
        "^BIKE-1 was lost on 6 May 2025 10:00; it cannot be found before that\\.$",
        article=article,
        occurred_at=at(5),
    )


@pytest.mark.parametrize(
    ("status", "label"),
    [(Status.ACTIVE, "active"), (Status.OUT_OF_USE, "out of use"), (Status.SOLD, "sold")],
)
def test_found_refuses_an_article_that_is_not_lost(status, label, assert_refused):
    disposed_at = at(1) if status == Status.SOLD else None
    article = ArticleFactory.create(number="BIKE-1", status=status, disposed_at=disposed_at)

    assert_refused(services.article_found, f"^BIKE-1 is {label}, not lost\\.$", article=article)


def test_written_off_lost_article_keeps_the_loss_as_its_disposal(article):
    services.article_report_lost(article=article, occurred_at=at(6))

    event = services.article_retire(article=article, occurred_at=at(20))

    article.refresh_from_db()
    assert (article.status, article.disposed_at) == (Status.RETIRED, at(6))
    assert event.occurred_at == at(20)


@pytest.mark.parametrize(
    ("dispose", "label"),
    [
        (lambda a: services.article_sell(article=a, price="1", occurred_at=at(6)), "sold"),
        (lambda a: services.article_retire(article=a, occurred_at=at(6)), "retired"),
        (lambda a: services.article_report_lost(article=a, occurred_at=at(6)), "lost"),
    ],
)
def test_usage_after_disposal_is_refused(dispose, label, article, assert_refused):
    dispose(article)

    assert_refused(
        services.usage_start,
        f"^BIKE-1 is {label}; only active articles can go on rental\\.$",
        article=article,
        started_at=at(8),
    )


def test_a_backdated_usage_before_the_sale_is_refused_too(article, assert_refused):
    """Once sold, the ledger is closed for usages: a late entry would need the
    sale to be corrected first."""
    services.article_sell(article=article, price="300", occurred_at=at(6))

    assert_refused(
        services.usage_start,
        "^BIKE-1 is sold; only active articles can go on rental\\.$",
        article=article,
        started_at=at(2),
        ended_at=at(3),
    )
    assert Event.objects.filter(article=article).count() == 1


def test_a_refused_buy_out_leaves_the_usage_open(article, assert_refused):
    """The sale's own checks come after the usage is ended; the refusal undoes it all."""
    services.usage_start(article=article, started_at=at(3))

    assert_refused(
        services.article_sell,
        "A sale cannot carry a negative revenue",
        article=article,
        price="-1",
        occurred_at=at(6),
    )
