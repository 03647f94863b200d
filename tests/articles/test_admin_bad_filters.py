"""The admin's lists given a date-hierarchy date Django cannot bound, or characters
no column can hold, answer with a message, never a server error."""

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


@pytest.mark.parametrize(
    ("model", "query"),
    [
        ("article", {"purchased_on__year": "9999"}),
        ("event", {"occurred_at__year": "9999"}),
        ("event", {"occurred_at__year": "9999", "occurred_at__month": "12"}),
        (
            "event",
            {"occurred_at__year": "9999", "occurred_at__month": "12", "occurred_at__day": "31"},
        ),
    ],
)
def test_a_date_past_9999_is_a_message(admin_client, fleet, model, query):
    admin_client.raise_request_exception = False

    response = admin_client.get(reverse(f"admin:articles_{model}_changelist"), query, follow=True)

    assert response.status_code == 200
    messages = [str(message) for message in response.context["messages"]]
    assert len(messages) == 1
    assert messages[0].startswith("The date filter is out of range (")
    assert "C-1" in response.content.decode()


@pytest.mark.parametrize("model", ["article", "event"])
def test_a_nul_character_in_the_search_is_harmless(admin_client, fleet, model):
    response = admin_client.get(reverse(f"admin:articles_{model}_changelist"), {"q": "C\x00-1"})

    assert response.status_code == 200
