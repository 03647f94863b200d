"""Article numbers and store names that look the same are the same, or a clear error
(``articles.codes.normalized_code``), wherever the services and the admin take them."""

import datetime as dt

import pytest
from django.urls import reverse

from articles import services
from articles.models import Article, Store
from tests.factories import ArticleFactory, SKUFactory, StoreFactory

pytestmark = pytest.mark.django_db

ZERO_WIDTH = "CITY-M-0001\u200b"
FULL_WIDTH = "ＣＩＴＹ-M-0001"
HIDDEN = "holds an invisible or control character"


@pytest.fixture
def where():
    return {
        "sku": SKUFactory.create(code="CITY-M"),
        "store": StoreFactory.create(),
        "purchased_on": dt.date(2025, 1, 1),
    }


def test_article_create_stores_a_full_width_number_as_the_plain_one(where):
    article = services.article_create(number=FULL_WIDTH, **where)

    assert article.number == "CITY-M-0001"


def test_article_create_refuses_a_number_with_a_zero_width_space(where, assert_refused):
    error = assert_refused(services.article_create, HIDDEN, number=ZERO_WIDTH, **where)

    assert "zero width space" in error.message_dict["number"][0]


def test_a_full_width_number_is_the_same_article_not_a_twin(where, assert_refused):
    services.article_create(number="CITY-M-0001", **where)

    assert_refused(
        services.article_create,
        "An article with this number already exists",
        number=FULL_WIDTH,
        **where,
    )


def test_article_update_normalizes_the_number(assert_refused):
    article = ArticleFactory.create(number="OLD-1")

    services.article_update(article=article, data={"number": " ＯＬＤ-2 "})
    assert Article.objects.get(pk=article.pk).number == "OLD-2"
    assert_refused(services.article_update, HIDDEN, article=article, data={"number": ZERO_WIDTH})


def test_get_by_number_finds_a_full_width_spelling():
    article = ArticleFactory.create(number="CITY-M-0001")

    assert Article.objects.get_by_number(FULL_WIDTH) == article
    assert Article.objects.get_by_number(" city-m-0001 ") == article


def test_get_by_number_says_why_a_hidden_character_names_nothing():
    ArticleFactory.create(number="CITY-M-0001")

    with pytest.raises(Article.DoesNotExist, match=HIDDEN):
        Article.objects.get_by_number(ZERO_WIDTH)


def test_batch_numbers_are_normalized_and_repeats_found_after_it(where, assert_refused):
    articles = services.articles_create_batch(numbers=[FULL_WIDTH, "CITY-M-0002"], **where)

    assert [article.number for article in articles] == ["CITY-M-0001", "CITY-M-0002"]
    assert_refused(
        services.articles_create_batch,
        "The list repeats",
        numbers=["CITY-M-0003", "ＣＩＴＹ-M-0003"],
        **where,
    )
    assert_refused(services.articles_create_batch, HIDDEN, numbers=[ZERO_WIDTH], **where)


def test_store_get_or_create_finds_a_store_by_a_look_alike_name(assert_refused):
    store = StoreFactory.create(name="Harbour")

    assert services.store_get_or_create(name="Ｈａｒｂｏｕｒ ") == store
    assert Store.objects.count() == 1
    assert_refused(services.store_get_or_create, HIDDEN, name="Harbour\u00ad")


def test_the_store_admin_refuses_a_name_with_a_hidden_character(admin_client):
    response = admin_client.post(reverse("admin:articles_store_add"), {"name": "Dock\u200b"})

    assert response.status_code == 200
    assert HIDDEN in response.context["adminform"].form.errors["name"][0]
    assert not Store.objects.exists()


def test_the_article_admin_refuses_a_number_with_a_hidden_character(admin_client, where):
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        {
            "number": ZERO_WIDTH,
            "sku": where["sku"].pk,
            "allocation": "rental",
            "status": "active",
            "condition": "good",
            "store": where["store"].pk,
            "purchased_on": "2025-01-01",
            "purchase_price": "0",
            "specifications": "{}",
        },
    )

    assert response.status_code == 200
    assert HIDDEN in response.context["adminform"].form.errors["number"][0]
    assert not Article.objects.exists()
