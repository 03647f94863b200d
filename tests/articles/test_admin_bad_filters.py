"""The admin's lists given a year that is none, or characters no column can hold,
answer with an empty list, never a server error."""

import datetime as dt

import pytest
from django.urls import reverse

from articles import services
from tests.factories import SKUFactory, StoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fleet(db):
    services.article_create(
        sku=SKUFactory.create(code="CITY"),
        store=StoreFactory.create(),
        number="C-1",
        purchased_on=dt.date(2025, 1, 1),
    )


@pytest.mark.parametrize(("model", "parameter"), [("event", "year"), ("article", "purchased")])
@pytest.mark.parametrize("year", ["9999", "1800", "abc", "-1"])
def test_a_year_out_of_range_or_not_a_year_lists_nothing(
    admin_client, fleet, model, parameter, year
):
    url = reverse(f"admin:articles_{model}_changelist")
    response = admin_client.get(url, {parameter: year})

    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


@pytest.mark.parametrize("model", ["article", "event"])
def test_a_nul_character_in_the_search_is_harmless(admin_client, fleet, model):
    response = admin_client.get(reverse(f"admin:articles_{model}_changelist"), {"q": "C\x00-1"})

    assert response.status_code == 200
