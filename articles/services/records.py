"""Events that record without a lifecycle of their own: an inspection, a transfer,
money, a remark."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from articles import rules
from articles.models import Article, Event, EventKind, Store

from ._shared import ZERO, Money, User, lock, money, record

MONEY_KINDS = (EventKind.INCOME, EventKind.EXPENSE, EventKind.ADJUSTMENT)


@transaction.atomic
def inspection_record(
    *,
    article: Article,
    condition: str,
    occurred_at: dt.datetime | None = None,
    cost: Money = ZERO,
    reference: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Grade the article; the grade becomes its condition."""
    if not condition:
        raise ValidationError({"condition": "An inspection needs the grade it found."})
    article = lock(article)
    return record(
        article,
        EventKind.INSPECTION,
        acting_user=acting_user,
        occurred_at=occurred_at,
        condition=condition,
        cost=money(cost),
        reference=reference,
        notes=notes,
    )


@transaction.atomic
def article_transfer(
    *,
    article: Article,
    store: Store,
    occurred_at: dt.datetime | None = None,
    cost: Money = ZERO,
    reference: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Move the article to another store."""
    article = lock(article)
    rules.check_transfer(
        number=article.number,
        status=article.status,
        store_id=article.store_id,
        target_store_id=store.pk,
        target_name=str(store),
    )
    return record(
        article,
        EventKind.TRANSFER,
        acting_user=acting_user,
        occurred_at=occurred_at,
        store=store,
        cost=money(cost),
        reference=reference,
        notes=notes,
    )


@transaction.atomic
def money_record(
    *,
    article: Article,
    kind: str,
    revenue: Money = ZERO,
    cost: Money = ZERO,
    occurred_at: dt.datetime | None = None,
    reference: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Record income, an expense or an adjustment (a correction carrying money)."""
    if kind not in MONEY_KINDS:
        raise ValidationError({"kind": f"{kind} is not income, expense or adjustment."})
    amounts = {"revenue": money(revenue), "cost": money(cost)}
    rules.refuse_missing_amount(kind=kind, **amounts)
    article = lock(article)
    return record(
        article,
        kind,
        acting_user=acting_user,
        occurred_at=occurred_at,
        reference=reference,
        notes=notes,
        **amounts,
    )


@transaction.atomic
def note_record(
    *,
    article: Article,
    notes: str,
    occurred_at: dt.datetime | None = None,
    reference: str = "",
    acting_user: User = None,
) -> Event:
    """A remark in the article's history."""
    if not notes.strip():
        raise ValidationError({"notes": "A note needs some text."})
    article = lock(article)
    return record(
        article,
        EventKind.NOTE,
        acting_user=acting_user,
        occurred_at=occurred_at,
        reference=reference,
        notes=notes,
    )
