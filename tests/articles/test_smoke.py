import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles import services
from articles.models import Event, EventKind, Status
from tests.factories import SKUFactory, StoreFactory

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime(2025, 5, day, hour))


def test_article_lifecycle_through_services(user):
    sku = SKUFactory(code="CITYB")
    store = StoreFactory()
    article = services.article_create(
        sku=sku,
        store=store,
        purchased_on=dt.date(2025, 1, 1),
        purchase_price="500",
        acting_user=user,
    )
    assert article.number == "CITYB-0001"
    services.usage_start(article=article, started_at=at(3), reference="ORD-118", acting_user=user)
    with pytest.raises(
        ValidationError, match=r"CITYB-0001 is on order since 3 May 2025 10:00 \(ORD-118\)"
    ):
        services.usage_start(article=article, started_at=at(4), acting_user=user)
    services.article_sell(article=article, price="300", occurred_at=at(6), acting_user=user)
    article.refresh_from_db()
    assert article.status == Status.SOLD
    assert article.disposed_at == at(6)
    rental = Event.objects.get(kind=EventKind.RENTAL)
    assert rental.ended_at == at(6)
    assert article.total_sale_proceeds == 300
    assert article.total_usage_count == 1
