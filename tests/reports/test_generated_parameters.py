"""Generated query strings thrown at every report page and its CSV download: the
answer is a page (with a message where a parameter was refused) or a download, never
a server error."""

import datetime as dt

from django.contrib.auth.models import User
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from articles import services
from inventory_site.roles import MANAGER
from tests.factories import SKUFactory, StoreFactory
from tests.helpers import user_with_role
from tests.interchange.strategies import awkward_text, generated

PAGES = ["reports:dashboard", "reports:articles", "reports:skus", "reports:selloff"]
PARAMETERS = [
    "page",
    "as_of",
    "window",
    "sku",
    "store",
    "number",
    "status",
    "allocation",
    "order",
    "download",
    "sort",
    "columns",
]


class GeneratedReportParameters(TestCase):
    viewer: User

    @classmethod
    def setUpTestData(cls):
        # A Manager: the reports show money.
        cls.viewer = user_with_role(MANAGER, username="mia-manager")
        sku, store = SKUFactory.create(code="CITY"), StoreFactory.create(name="Main")
        for _ in range(3):
            services.article_create(sku=sku, store=store, purchased_on=dt.date(2025, 1, 1))

    @generated
    @given(
        name=st.sampled_from(PAGES),
        query=st.dictionaries(
            st.sampled_from(PARAMETERS),
            st.one_of(
                awkward_text,
                st.sampled_from(
                    ["csv", "1", "2", "-revenue", "number", "money", "all", "-reasons"]
                ),
            ),
            max_size=4,
        ),
    )
    def test_never_a_server_error(self, name, query):
        self.client.force_login(self.viewer)

        response = self.client.get(reverse(name), query)

        assert response.status_code == 200
