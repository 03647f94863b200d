import re

import pytest
from django.core.exceptions import ValidationError

from articles.models import Article, Event, Store
from skus.models import SKU
from tests.factories import UserFactory


@pytest.fixture
def user(db):
    return UserFactory.create()


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
