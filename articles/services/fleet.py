"""Stores and articles: entering articles into the fleet and editing what describes them."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from articles import rules
from articles.codes import normalized_field
from articles.models import Allocation, Article, EventKind, Status, Store
from skus.models import SKU

from ._shared import (
    ZERO,
    Money,
    User,
    check_moments,
    lock,
    money,
    record,
    refuse_if_on_order,
    save_article,
    start_of_day,
)

# Article fields that ``article_update`` may change. Status, store and condition
# change only through their events (status change, transfer, inspection...).
EDITABLE_FIELDS = (
    "number",
    "sku",
    "allocation",
    "manufacturer",
    "model",
    "production_year",
    "serial_number",
    "purchased_on",
    "purchase_price",
    "specifications",
    "notes",
)


@transaction.atomic
def store_get_or_create(*, name: str) -> Store:
    """The store named ``name`` (case-insensitively, normalized), created if it does
    not exist."""
    name = normalized_field(name, field="store", what="The store name")
    if not name:
        raise ValidationError({"store": "A store name is required."})
    store = Store.objects.filter(name__iexact=name).first()
    if store is None:
        store = Store(name=name)
        store.full_clean(validate_constraints=False)  # the unique name: see below
        try:
            with transaction.atomic():
                store.save()
        except IntegrityError as error:
            if "store_name_unique_ci" not in str(error):
                raise
            # Another session created it since the look-up: that store is the one.
            store = Store.objects.get(name__iexact=name)
    return store


def _next_number(sku: SKU) -> str:
    """``<SKU code>-<4+ digit sequence>``, skipping numbers already taken."""
    sku = SKU.objects.select_for_update().get(pk=sku.pk)
    sequence = sku.next_article_sequence
    while True:
        number = f"{sku.code}-{sequence:04d}"
        sequence += 1
        if not Article.objects.filter(number__iexact=number).exists():
            break
    sku.next_article_sequence = sequence
    sku.save(update_fields=["next_article_sequence", "updated_at"])
    return number


@transaction.atomic
def article_create(
    *,
    sku: SKU,
    store: Store,
    purchased_on: dt.date,
    number: str = "",
    allocation: str = Allocation.RENTAL,
    status: str = Status.ACTIVE,
    condition: str = "new",
    manufacturer: str = "",
    model: str = "",
    production_year: int | None = None,
    serial_number: str = "",
    purchase_price: Money = ZERO,
    specifications: dict | None = None,
    notes: str = "",
    acquired_at: dt.datetime | None = None,
    acting_user: User = None,
) -> Article:
    """Enter one article into the fleet, with its ``acquisition`` event.

    An empty ``number`` generates ``<SKU code>-<sequence>``; a given one is
    normalized (``codes.normalized_code``). A new article is ``active`` or
    ``out_of_use``; disposals come later, as events. It was purchased between 1900
    and today; ``acquired_at``, when given, has happened.
    """
    if status not in (Status.ACTIVE, Status.OUT_OF_USE):
        raise ValidationError(
            {"status": "A new article is active or out of use; disposals are recorded as events."}
        )
    number = _normalized_number(number or "")
    if acquired_at is not None:
        check_moments(occurred_at=acquired_at)
    article = Article(
        number=number or _next_number(sku),
        sku=sku,
        store=store,
        allocation=allocation,
        status=status,
        condition=condition,
        manufacturer=manufacturer,
        model=model,
        production_year=production_year,
        serial_number=serial_number,
        purchased_on=purchased_on,
        purchase_price=money(purchase_price),
        specifications=specifications or {},
        notes=notes,
    )
    article.full_clean()
    rules.check_purchase_date(article.purchased_on)
    save_article(article)
    record(
        article,
        EventKind.ACQUISITION,
        acting_user=acting_user,
        occurred_at=acquired_at or start_of_day(purchased_on),
        condition=condition,
        store=store,
        # The status it entered the fleet in, when not active (the exports need it).
        status=status if status != Status.ACTIVE else "",
    )
    return article


def _normalized_number(number: str) -> str:
    return normalized_field(number, field="number", what="The article number")


def _repeated(numbers: list[str]) -> list[str]:
    """The numbers that ``numbers`` lists more than once (case-insensitively)."""
    seen: set[str] = set()
    repeated = set()
    for number in numbers:
        if number.lower() in seen:
            repeated.add(number)
        seen.add(number.lower())
    return sorted(repeated)


@transaction.atomic
def articles_create_batch(
    *,
    sku: SKU,
    count: int | None = None,
    numbers: Iterable[str] | None = None,
    acting_user: User = None,
    **fields: Any,
) -> list[Article]:
    """Add ``count`` articles with generated numbers, or one per given number.

    All or nothing: one refused article refuses the batch.
    """
    if (count is None) == (numbers is None):
        raise ValidationError("Give either a count of articles or a list of numbers.")
    if numbers is not None:
        wanted = [_normalized_number(n) for n in numbers if n.strip()]
        duplicates = _repeated(wanted)
        if duplicates:
            raise ValidationError(f"The list repeats {', '.join(duplicates)}.")
        if not wanted:
            raise ValidationError("The list of numbers is empty.")
    else:
        assert count is not None  # one of the two is given: checked above
        if count < 1:
            raise ValidationError({"count": "Add at least one article."})
        wanted = [""] * count
    articles = []
    for number in wanted:
        try:
            articles.append(
                article_create(sku=sku, number=number, acting_user=acting_user, **fields)
            )
        except ValidationError as error:
            if number:
                raise ValidationError(f"{number}: {'; '.join(error.messages)}") from error
            raise
    return articles


def _unchanged(article: Article, field: str, value: Any) -> bool:
    """Does ``value`` (possibly text, as forms and files give it) equal the field's?"""
    model_field = Article._meta.get_field(field)
    if isinstance(model_field, models.Field) and not model_field.is_relation:
        try:
            value = model_field.to_python(value)
        except ValidationError:
            return False  # not a value of the field: full_clean says why
    return bool(getattr(article, field) == value)


@transaction.atomic
def article_update(*, article: Article, data: dict[str, Any], acting_user: User = None) -> Article:
    """Edit an article's descriptive fields; the change is noted in its ledger.

    Status, store and condition change only through their own events.
    """
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(
            f"{', '.join(unknown)} cannot be edited here; status, store and condition "
            "change through their events."
        )
    if "number" in data:
        data = {**data, "number": _normalized_number(str(data["number"] or ""))}
    article = lock(article)
    changes = {
        field: value for field, value in data.items() if not _unchanged(article, field, value)
    }
    if not changes:
        return article
    if changes.get("allocation") == Allocation.SALES:
        refuse_if_on_order(article, "allocating it to sales")
    before = {field: getattr(article, field) for field in changes}
    for field, value in changes.items():
        setattr(article, field, value)
    article.full_clean()
    if "purchased_on" in changes:
        rules.check_purchase_date(article.purchased_on)
    save_article(article, update_fields=[*changes, "updated_at"])
    summary = "; ".join(f"{field}: {before[field]} → {changes[field]}" for field in changes)
    record(article, EventKind.NOTE, acting_user=acting_user, notes=f"Edited. {summary}")
    return article
