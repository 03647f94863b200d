"""The SKU admin: list and page render with bounded queries, the batch "Add articles"
tool goes through ``articles_create_batch`` all or nothing, and SKUs with articles
cannot be deleted."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from articles import services
from articles.models import Article, EventKind
from tests.factories import SKUFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return StoreFactory.create(name="Seefeld")


@pytest.fixture
def skus(store, user):
    """21 SKUs, each with one article."""
    skus = [
        SKUFactory.create(code=f"SKI-{length}", name=f"Ski {length} cm")
        for length in range(150, 192, 2)
    ]
    for sku in skus:
        services.article_create(
            sku=sku, store=store, purchased_on=dt.date(2025, 1, 1), acting_user=user
        )
    return skus


def batch_data(store, **fields) -> dict:
    data = {
        "count": "",
        "numbers": "",
        "store": store.pk,
        "purchased_on": "2025-11-01",
        "purchase_price": "549.00",
        "allocation": "rental",
        "condition": "new",
        "manufacturer": "Atomic",
        "model": "Redster",
        "production_year": "2025",
    }
    return {**data, **fields}


def test_sku_changelist_renders_with_bounded_queries(
    admin_client, skus, django_assert_max_num_queries
):
    with django_assert_max_num_queries(7):
        response = admin_client.get(reverse("admin:skus_sku_changelist"))
    assert response.status_code == 200
    rows = response.context["cl"].result_list
    assert [(sku.code, sku.article_count, sku.active_count) for sku in rows][:2] == [
        ("SKI-150", 1, 1),
        ("SKI-152", 1, 1),
    ]


def test_sku_change_page_offers_the_batch_tool(admin_client, skus, django_assert_max_num_queries):
    url = reverse("admin:skus_sku_change", args=[skus[0].pk])
    with django_assert_max_num_queries(10):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert reverse("admin:skus_sku_add_articles", args=[skus[0].pk]) in response.text


def test_sku_autocomplete_finds_a_sku_by_code(admin_client, skus):
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "articles", "model_name": "article", "field_name": "sku", "term": "ski-17"},
    )
    assert [result["text"] for result in response.json()["results"]] == [
        f"SKI-{length} · Ski {length} cm" for length in range(170, 180, 2)
    ]


def test_add_articles_with_a_count_generates_their_numbers(admin_client, store, admin_user):
    sku = SKUFactory.create(code="SKI-AM-170")
    url = reverse("admin:skus_sku_add_articles", args=[sku.pk])
    assert admin_client.get(url).status_code == 200
    response = admin_client.post(url, batch_data(store, count="3"), follow=True)
    numbers = list(sku.articles.values_list("number", flat=True))
    assert numbers == ["SKI-AM-170-0001", "SKI-AM-170-0002", "SKI-AM-170-0003"]
    assert [str(m) for m in response.context["messages"]] == [
        "Added 3 article(s) to SKI-AM-170: SKI-AM-170-0001 … SKI-AM-170-0003."
    ]
    article = sku.articles.all()[0]
    assert (article.store, article.purchase_price, article.manufacturer) == (store, 549, "Atomic")
    acquisition = article.events.get()
    assert (acquisition.kind, acquisition.recorded_by) == (EventKind.ACQUISITION, admin_user)


def test_add_articles_with_a_list_of_numbers(admin_client, store):
    sku = SKUFactory.create(code="TENT-3P")
    url = reverse("admin:skus_sku_add_articles", args=[sku.pk])
    admin_client.post(url, batch_data(store, numbers="4006050000011\n\n4006050000028\n"))
    assert list(sku.articles.values_list("number", flat=True)) == [
        "4006050000011",
        "4006050000028",
    ]


def test_add_articles_refuses_the_whole_batch_when_one_number_is_taken(admin_client, skus, store):
    taken = skus[0].articles.get().number
    url = reverse("admin:skus_sku_add_articles", args=[skus[1].pk])
    response = admin_client.post(url, batch_data(store, numbers=f"NEW-1\n{taken}\nNEW-2"))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].non_field_errors())
    assert errors == f"{taken}: An article with this number already exists."
    assert not Article.objects.filter(number__startswith="NEW-").exists()


def test_add_articles_needs_a_count_or_numbers_but_not_both(admin_client, store):
    sku = SKUFactory.create()
    url = reverse("admin:skus_sku_add_articles", args=[sku.pk])
    response = admin_client.post(url, batch_data(store))
    assert response.context["form"].non_field_errors() == ["Give a count or a list of numbers."]
    response = admin_client.post(url, batch_data(store, count="2", numbers="A-1"))
    assert response.context["form"].non_field_errors() == [
        "Give either a count or a list of numbers, not both."
    ]
    assert not sku.articles.exists()


def test_add_articles_needs_the_add_article_permission(client, store):
    sku = SKUFactory.create()
    clerk = UserFactory.create(is_staff=True)
    clerk.user_permissions.add(Permission.objects.get(codename="view_sku"))
    client.force_login(clerk)
    url = reverse("admin:skus_sku_add_articles", args=[sku.pk])
    assert client.post(url, batch_data(store, count="2")).status_code == 403
    assert not sku.articles.exists()


def test_anonymous_users_are_sent_to_the_login(client):
    response = client.get(reverse("admin:skus_sku_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_a_sku_with_articles_cannot_be_deleted_but_an_empty_one_can(admin_client, skus):
    url = reverse("admin:skus_sku_delete", args=[skus[0].pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    empty = SKUFactory.create()
    url = reverse("admin:skus_sku_delete", args=[empty.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 302
