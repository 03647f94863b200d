"""An article's specifications are bounded: 50 keys, names of 64 and values of 500
characters, refused with a clear message by the services, the admin and the import."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles import services
from articles.models import Article
from interchange.imports import ImportFailed, articles_import
from tests.factories import SKUFactory, StoreFactory
from tests.interchange.import_helpers import snapshot, write_csv

pytestmark = pytest.mark.django_db

FIFTY = {f"key{number}": "x" for number in range(50)}


def create(specifications):
    return services.article_create(
        sku=SKUFactory.create(),
        store=StoreFactory.create(),
        purchased_on=dt.date(2025, 1, 1),
        specifications=specifications,
    )


def refusal(specifications) -> list[str]:
    with pytest.raises(ValidationError) as error:
        create(specifications)
    assert not Article.objects.exists()
    return error.value.message_dict["specifications"]


def test_the_limits_themselves_are_accepted():
    article = create(FIFTY)
    at_the_limit = {**dict(list(FIFTY.items())[:49]), "k" * 64: "v" * 500}

    services.article_update(article=article, data={"specifications": at_the_limit})

    assert len(Article.objects.get().specifications) == 50


def test_more_than_50_keys_are_refused():
    assert refusal({**FIFTY, "one more": "x"}) == [
        "An article can have at most 50 specifications; this one would have 51."
    ]


def test_a_long_key_is_refused():
    (message,) = refusal({"k" * 65: "x"})

    assert (
        message
        == "The specification name kkkkkkkkkkkkkkkkkkkk… is 65 characters long; the most is 64."
    )


def test_a_long_value_is_refused():
    assert refusal({"colour": "v" * 501}) == [
        "The value of colour is 501 characters long; the most is 500."
    ]


def test_specifications_that_are_not_pairs_are_refused():
    assert refusal(["size", "M"]) == ['Specifications are key/value pairs, such as {"size": "M"}.']


def test_an_update_over_the_limit_changes_nothing():
    article = create(FIFTY)

    with pytest.raises(ValidationError):
        services.article_update(article=article, data={"specifications": {**FIFTY, "x": "y"}})

    assert Article.objects.get().specifications == FIFTY


def test_the_admin_form_shows_the_message(admin_client):
    sku, store = SKUFactory.create(), StoreFactory.create()
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        {
            "sku": sku.pk,
            "allocation": "rental",
            "status": "active",
            "condition": "new",
            "store": store.pk,
            "specifications": json.dumps({"colour": "v" * 501}),
            "purchased_on": "2025-03-01",
            "purchase_price": "10",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["specifications"] == [
        "The value of colour is 501 characters long; the most is 500."
    ]
    assert not Article.objects.exists()


def article_row(number: str, **specifications) -> dict:
    return {
        "number": number,
        "sku_code": "CITY",
        "store": "Main",
        "purchased_on": "2025-01-01",
        **specifications,
    }


def import_refusal(path) -> list[str]:
    before = snapshot()
    with pytest.raises(ImportFailed) as failure:
        articles_import(path=path)
    assert snapshot() == before
    return [str(error) for error in failure.value.errors]


def test_the_import_refuses_long_names_and_values(tmp_path):
    SKUFactory.create(code="CITY")
    long_name = "n" * 65
    path = write_csv(
        tmp_path, "articles.csv", [article_row("A-1", colour="v" * 501, **{long_name: "x"})]
    )

    assert import_refusal(path) == [
        "line 2, column colour: The value of colour is 501 characters long; the most is 500.",
        f"line 2, column {long_name}: The specification name nnnnnnnnnnnnnnnnnnnn… is 65 "
        "characters long; the most is 64.",
    ]


def test_the_import_refuses_too_many_specifications(tmp_path):
    SKUFactory.create(code="CITY")
    path = write_csv(tmp_path, "articles.csv", [article_row("A-1", **FIFTY, extra="x")])

    assert import_refusal(path) == [
        "line 2: An article can have at most 50 specifications; this one would have 51."
    ]


def test_the_import_refuses_an_update_that_would_exceed_the_limit(tmp_path):
    sku = SKUFactory.create(code="CITY")
    services.article_create(
        sku=sku,
        number="A-1",
        store=services.store_get_or_create(name="Main"),
        purchased_on=dt.date(2025, 1, 1),
        specifications=FIFTY,
    )
    path = write_csv(tmp_path, "articles.csv", [article_row("A-1", extra="x")])

    assert import_refusal(path) == [
        "line 2: An article can have at most 50 specifications; this one would have 51."
    ]


@pytest.mark.parametrize(
    "specifications", [{"colour": "r\x00d"}, {"co\x00lour": "red"}, {"sizes": ["M", "\x00"]}]
)
def test_a_nul_character_is_refused(specifications):
    (message,) = refusal(specifications)

    assert message.endswith("contains a NUL character.")


def test_the_admin_form_refuses_a_nul_character_in_the_json(admin_client):
    sku, store = SKUFactory.create(), StoreFactory.create()
    response = admin_client.post(
        reverse("admin:articles_article_add"),
        {
            "sku": sku.pk,
            "allocation": "rental",
            "status": "active",
            "condition": "new",
            "store": store.pk,
            "specifications": '{"colour": "r\\u0000d"}',
            "purchased_on": "2025-03-01",
            "purchase_price": "10",
        },
    )

    assert response.status_code == 200
    assert response.context["adminform"].form.errors["specifications"] == [
        "The specification 'colour' contains a NUL character."
    ]
