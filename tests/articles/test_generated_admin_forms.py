"""Generated values thrown at the admin's article form and its record-event form: the
answer is the form again with messages (and nothing written) or a redirect after the
service wrote it, never a server error."""

import datetime as dt

from django.contrib.auth.models import User
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from articles import services
from articles.models import Article, EventKind
from skus.models import SKU
from tests.factories import SKUFactory, StoreFactory
from tests.interchange.import_helpers import snapshot
from tests.interchange.strategies import awkward_text, generated


def either(*values: str) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(values), awkward_text)


class GeneratedAdminForms(TestCase):
    admin: User
    article: Article
    sku: SKU

    @classmethod
    def setUpTestData(cls):
        cls.admin = User.objects.create_superuser("boss", password="not-used-here")
        cls.sku = SKUFactory.create(code="CITY")
        store = StoreFactory.create(name="Main")
        cls.article = services.article_create(
            sku=cls.sku, store=store, number="B-1", purchased_on=dt.date(2025, 1, 1)
        )

    def post(self, url: str, data: dict) -> None:
        self.client.force_login(self.admin)
        before = snapshot()

        response = self.client.post(url, data)

        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert snapshot() == before

    @generated
    @given(
        data=st.fixed_dictionaries(
            {
                "number": awkward_text,
                "allocation": either("rental", "sales"),
                "status": either("active", "out_of_use"),
                "condition": either("new", "good"),
                "manufacturer": awkward_text,
                "production_year": either("2020", "²"),
                "serial_number": awkward_text,
                "specifications": either('{"size": "M"}', "[]", '{"a": "\\u0000"}', "{}"),
                "purchased_on": either("2025-01-01"),
                "purchase_price": either("10.00", "-15.00"),
                "notes": awkward_text,
            }
        )
    )
    def test_the_article_form(self, data):
        url = reverse("admin:articles_article_add")
        store = self.article.store_id
        self.post(url, {**data, "sku": self.sku.pk, "store": store})

    @generated
    @given(
        data=st.fixed_dictionaries(
            {
                "kind": either(*EventKind.values),
                "occurred_at": either("2025-05-01T10:00", "9999-12-31T23:59"),
                "ended_at": either("", "2025-05-02T10:00"),
                "due_at": either(""),
                "revenue": either("", "15.00", "-15.00"),
                "cost": either("", "3.00"),
                "reference": awkward_text,
                "condition": either("", "good"),
                "status": either("", "out_of_use"),
                "notes": awkward_text,
            }
        )
    )
    def test_the_record_event_form(self, data):
        url = reverse("admin:articles_article_record_event", args=[self.article.pk])
        self.post(url, data)
