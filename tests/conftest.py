"""Fixtures shared by the tests of every app; plain helpers live in ``tests/helpers.py``."""

import re

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError

from articles.models import Article, Event, Store
from inventory_site.roles import MANAGER, STAFF, VIEWER
from skus.models import SKU
from tests.factories import ArticleFactory, UserFactory
from tests.helpers import user_with_role


@pytest.fixture
def user(db) -> User:
    return UserFactory.create()


@pytest.fixture
def viewer(db) -> User:
    return user_with_role(VIEWER, username="vera-viewer")


@pytest.fixture
def staff(db) -> User:
    return user_with_role(STAFF, username="sam-staff")


@pytest.fixture
def manager(db) -> User:
    return user_with_role(MANAGER, username="mia-manager")


@pytest.fixture
def article(db) -> Article:
    """BIKE-1: active, for rental, in good condition, with an empty ledger (made by the
    factory, not by ``article_create``, so it has no acquisition event)."""
    return ArticleFactory.create(number="BIKE-1")


def _ledger_snapshot():
    """Every row a service of ``articles`` could write, as plain values."""
    return {
        model.__name__: list(model.objects.order_by("pk").values())
        for model in (Article, Event, Store, SKU)
    }


@pytest.fixture
def assert_refused(db):
    """``assert_refused(service, match, **kwargs)`` calls ``service(**kwargs)``, expects a
    ValidationError whose messages (joined by a space) match the regular expression
    ``match`` and checks that nothing was written
    (articles, events, stores and SKUs re-read before and after)."""

    def check(service, match, **kwargs):
        before = _ledger_snapshot()
        with pytest.raises(ValidationError) as refusal:
            service(**kwargs)
        message = " ".join(refusal.value.messages)
        assert re.search(match, message), f"{message!r} does not match {match!r}"
        assert _ledger_snapshot() == before
        return refusal.value

    return check
