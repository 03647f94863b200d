"""Generated query strings and form posts thrown at the staff pages (the article list and
page, the event forms, adding and editing articles, SKUs, labels, the bulk and sell-off
actions): the answer is a page, a redirect or a refusal, never a server error, and a
refused post writes nothing."""

import datetime as dt

from django.contrib.auth.models import User
from django.urls import NoReverseMatch, reverse
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from articles import services
from articles.models import Article, Event
from inventory_site.roles import MANAGER
from skus.models import SKU
from tests.factories import SKUFactory, StoreFactory
from tests.helpers import user_with_role
from tests.interchange.strategies import awkward_text, generated

NUMBER = "CITY-0001"
VALUES = st.one_of(
    awkward_text,
    st.sampled_from(
        [
            "1",
            "2",
            "0",
            "-1",
            "50",
            "CITY",
            NUMBER,
            "city-0001",
            "rental",
            "repair",
            "sales",
            "out_of_use",
            "transfer",
            "active",
            "good",
            "on",
            "true",
            "csv",
            "2025-05-01",
            "2025-05-01T10:00",
            "12.50",
            "-3.00",
            "move_to_sales",
        ]
    ),
)

# Each page with the query parameters it reads.
GET_PAGES = {
    "articles:list": [
        "q",
        "sku",
        "status",
        "on_order",
        "due",
        "reference",
        "condition",
        "store",
        "manufacturer",
        "model",
        "year_min",
        "year_max",
        "purchased_from",
        "purchased_to",
        "uses_min",
        "uses_max",
        "revenue_min",
        "revenue_max",
        "sort",
        "page",
        "format",
    ],
    "skus:list": ["q", "catalog", "sort", "page", "per_page"],
    "labels": ["sku", "store", "status", "purchased_on", "page"],
    "catalog_link:list": ["q", "kind", "purpose", "active", "store", "not_available", "sort"],
}
DETAIL_PAGES = {
    "articles:detail": ["page"],
    "articles:event_new": ["kind", "end", "status", "event"],
    "skus:detail": ["page", "sort"],
}

EVENT_FIELDS = [
    "occurred_at",
    "ended_at",
    "due_at",
    "revenue",
    "cost",
    "condition",
    "store",
    "status",
    "reference",
    "notes",
    "downtime",
    "event",
]
ARTICLE_FIELDS = [
    "sku",
    "number",
    "store",
    "allocation",
    "condition",
    "purchased_on",
    "purchase_price",
    "serial_number",
    "manufacturer",
    "model",
    "production_year",
    "notes",
    "count",
    "numbers",
    "specs-TOTAL_FORMS",
    "specs-INITIAL_FORMS",
    "specs-0-key",
    "specs-0-value",
    "specs-0-DELETE",
]
# Each form with the fields it posts.
POSTS = {
    "event": (lambda: reverse("articles:event_new", args=[NUMBER]), EVENT_FIELDS),
    "add": (lambda: reverse("articles:add"), ARTICLE_FIELDS),
    "batch": (lambda: reverse("articles:add_batch"), ARTICLE_FIELDS),
    "edit": (lambda: reverse("articles:edit", args=[NUMBER]), ARTICLE_FIELDS),
    "bulk": (lambda: reverse("articles:bulk"), ["action", "store", "reason", "query", "articles"]),
    "sku": (
        lambda: reverse("skus:add"),
        [
            "code",
            "name",
            "description",
            "depreciation_percent",
            "expected_lifetime_days",
            "window_days",
            "replacement_price",
            "renewal_hurdle",
            "specs-TOTAL_FORMS",
            "specs-0-key",
            "specs-0-value",
        ],
    ),
    "selloff": (lambda: reverse("reports:selloff"), ["action", "number"]),
}


def ledger_counts() -> tuple[int, int, int]:
    return Article.objects.count(), Event.objects.count(), SKU.objects.count()


class GeneratedPageInput(TestCase):
    manager: User

    @classmethod
    def setUpTestData(cls):
        cls.manager = user_with_role(MANAGER, username="mia-manager")
        sku = SKUFactory.create(code="CITY", name="City bike")
        store = StoreFactory.create(name="Main")
        StoreFactory.create(name="Airport")
        for _ in range(3):
            services.article_create(
                sku=sku, store=store, purchased_on=dt.date(2025, 1, 1), acting_user=cls.manager
            )

    @generated
    @given(
        name=st.sampled_from(sorted(GET_PAGES)),
        data=st.data(),
    )
    def test_a_page_never_fails_on_its_query_string(self, name, data):
        query = data.draw(st.dictionaries(st.sampled_from(GET_PAGES[name]), VALUES, max_size=4))
        self.client.force_login(self.manager)

        response = self.client.get(reverse(name), query)

        assert response.status_code in (200, 302)

    @generated
    @given(name=st.sampled_from(sorted(DETAIL_PAGES)), data=st.data(), key=VALUES)
    def test_a_detail_page_never_fails_on_its_address_or_query(self, name, data, key):
        query = data.draw(st.dictionaries(st.sampled_from(DETAIL_PAGES[name]), VALUES, max_size=3))
        target = data.draw(st.sampled_from([NUMBER, "CITY", key]))
        self.client.force_login(self.manager)

        try:
            url = reverse(name, args=[target])
        except NoReverseMatch:  # an address Django cannot even build (a slash, nothing)
            return
        response = self.client.get(url, query)

        assert response.status_code in (200, 302, 404, 409)

    @generated
    @given(name=st.sampled_from(sorted(POSTS)), data=st.data(), kind=VALUES)
    def test_a_form_post_never_fails_and_a_refused_one_writes_nothing(self, name, data, kind):
        make_url, fields = POSTS[name]
        form = data.draw(st.dictionaries(st.sampled_from(fields), VALUES, max_size=6))
        self.client.force_login(self.manager)
        before = ledger_counts()

        response = self.client.post(f"{make_url()}?kind={kind}", form)

        assert response.status_code in (200, 302, 403, 404, 409)
        if response.status_code != 302:
            assert ledger_counts() == before
