"""Factories for tests. They skip ``full_clean()`` and the services on purpose: rules
are tested through the services, and factories only lay out a starting state.

Call them as ``ArticleFactory.create(...)``: factory-boy types ``create`` as returning
the model, while calling the class itself is typed as returning the factory."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import User
from django.utils import timezone
from factory.django import DjangoModelFactory

from articles.models import Allocation, Article, Condition, Event, EventKind, Status, Store
from skus.models import SKU


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"staff{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    is_staff = True
    password = factory.django.Password("secret-pass-123")


class StoreFactory(DjangoModelFactory[Store]):
    class Meta:
        model = Store

    name = factory.Sequence(lambda n: f"Store {n}")


class SKUFactory(DjangoModelFactory[SKU]):
    class Meta:
        model = SKU

    code = factory.Sequence(lambda n: f"SKU{n}")
    name = factory.LazyAttribute(lambda sku: f"Test SKU {sku.code}")


class ArticleFactory(DjangoModelFactory[Article]):
    class Meta:
        model = Article

    number = factory.Sequence(lambda n: f"ART-{n:05d}")
    sku = factory.SubFactory(SKUFactory)
    store = factory.SubFactory(StoreFactory)
    allocation = Allocation.RENTAL
    status = Status.ACTIVE
    condition = Condition.GOOD
    purchased_on = dt.date(2024, 1, 1)
    purchase_price = Decimal("1000.00")


class EventFactory(DjangoModelFactory[Event]):
    class Meta:
        model = Event

    article = factory.SubFactory(ArticleFactory)
    kind = EventKind.NOTE
    occurred_at = factory.LazyFunction(timezone.now)
