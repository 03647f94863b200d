"""The admin change pages of an article and a SKU show their main figures."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from articles import services
from tests.factories import SKUFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_logged_in(client):
    client.force_login(UserFactory.create(username="boss", is_superuser=True))
    return client


def test_article_and_sku_change_pages_show_figures(admin_client_logged_in):
    sku = SKUFactory.create(code="FIG")
    article = services.article_create(
        sku=sku,
        store=StoreFactory.create(),
        number="FIG-1",
        purchased_on=timezone.localdate() - dt.timedelta(days=10),
        purchase_price="200",
    )
    started = timezone.now() - dt.timedelta(days=2)
    services.usage_start(
        article=article, started_at=started, ended_at=started + dt.timedelta(days=1), revenue="50"
    )
    page = admin_client_logged_in.get(
        reverse("admin:articles_article_change", args=[article.pk])
    ).content.decode()
    assert "<th>usage_days</th><td>1.0000</td>" in page
    assert "<th>revenue</th><td>50.00</td>" in page
    assert "<th>payback_ratio</th><td>0.2500</td>" in page
    page = admin_client_logged_in.get(
        reverse("admin:skus_sku_change", args=[sku.pk])
    ).content.decode()
    assert "<th>articles</th><td>1</td>" in page
    assert "<th>revenue_per_article</th><td>50.00</td>" in page
    assert "<th>km_median_lifetime_days</th><td>—</td>" in page


def test_add_pages_have_no_figures_yet(admin_client_logged_in):
    response = admin_client_logged_in.get(reverse("admin:skus_sku_add"))
    assert response.status_code == 200
