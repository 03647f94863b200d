"""The only way the state of an article changes (SPEC.md "Status lifecycle" and "Events").

Every service is keyword-only, atomic, locks the article row it changes, enforces the
lifecycle and the usage rules, and writes its ledger event in the same transaction
with the acting user. Views, forms, admin actions, imports and commands all call
these functions, so each rule is written once. A refusal is a ``ValidationError``
whose message a staff member understands.
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from skus.models import SKU

from . import rules
from .models import (
    DISPOSAL_KINDS,
    DISPOSED_STATUSES,
    SERVICE_KINDS,
    USAGE_KINDS,
    Allocation,
    Article,
    Event,
    EventKind,
    Status,
    Store,
)

User = AbstractBaseUser | None
ZERO = Decimal("0")

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
# Kinds whose events carry no money (SPEC.md "Events": money "none").
MONEYLESS_KINDS = frozenset({EventKind.ACQUISITION, EventKind.STATUS_CHANGE, EventKind.NOTE})


# --- small helpers -----------------------------------------------------------------


format_moment = rules.format_moment


def start_of_day(day: dt.date) -> dt.datetime:
    """The instant at which ``day`` begins in the installation's time zone, in UTC.

    In UTC so that arithmetic on it counts real time: Python subtracts two moments
    of the same zone by their wall clocks, which makes a day of a clock change 24 hours.
    """
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)).astimezone(dt.UTC)


def _lock(article: Article) -> Article:
    """Take the article's row lock and return a fresh copy of it.

    Everything a service decides is decided on this copy, so two people acting on
    the same article at the same moment are served one after the other.
    """
    return (
        Article.objects.select_for_update(of=("self",))
        .select_related("sku", "store")
        .get(pk=article.pk)
    )


def _open_usage(article: Article) -> Event | None:
    return article.events.usages().open().first()


def _refuse_if_on_order(article: Article, doing: str) -> None:
    rules.refuse_if_on_order(article.number, _open_usage(article), doing)


def _usage_conflict(
    article: Article, start: dt.datetime, end: dt.datetime | None, *, exclude: Event | None = None
) -> Event | None:
    """A usage of the article that overlaps [start, end), an open end meaning forever."""
    usages = article.events.usages().filter(Q(ended_at__isnull=True) | Q(ended_at__gt=start))
    if end is not None:
        usages = usages.filter(occurred_at__lt=end)
    if exclude is not None:
        usages = usages.exclude(pk=exclude.pk)
    return usages.order_by("occurred_at").first()


def _refuse_overlap(article: Article, start: dt.datetime, end: dt.datetime | None) -> None:
    rules.refuse_overlap(article.number, _usage_conflict(article, start, end))


_check_times = rules.check_times


def _validate_event(event: Event) -> None:
    """Check the event's fields (choices, money >= 0, lengths).

    Its check constraints are not validated again in Python: the rules have already
    checked the times, the database holds every constraint, and Django would spend
    one query per check constraint on each event.
    """
    event.full_clean(exclude=["article", "recorded_by"], validate_constraints=False)


def _save_event(event: Event) -> Event:
    """Validate and insert an event; the database's own refusal becomes a clear one."""
    _validate_event(event)
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError as error:
        if "event_usages_do_not_overlap" in str(error):
            # A usage committed since our check (PostgreSQL waited for it): name it,
            # with the same message the check itself would have given.
            try:
                _refuse_overlap(event.article, event.occurred_at, event.ended_at)
            except ValidationError as refusal:
                raise refusal from error
            raise ValidationError(
                f"{event.article.number} already has a usage at that time; usages of one "
                "article cannot overlap."
            ) from error
        raise
    return event


def _save_article(article: Article, **kwargs: Any) -> None:
    """Save a validated article; a number taken meanwhile by another session (the
    database's unique index) is refused like the check before it would have."""
    try:
        with transaction.atomic():
            article.save(**kwargs)
    except IntegrityError as error:
        if "article_number_unique_ci" in str(error):
            raise ValidationError(
                {"number": "An article with this number already exists."}
            ) from error
        raise


def _record(
    article: Article,
    kind: str,
    *,
    acting_user: User,
    occurred_at: dt.datetime | None = None,
    **fields: Any,
) -> Event:
    event = Event(
        article=article,
        kind=kind,
        occurred_at=occurred_at or timezone.now(),
        recorded_by=acting_user if getattr(acting_user, "pk", None) else None,
        **fields,
    )
    _save_event(event)
    article_totals_refresh(articles=Article.objects.filter(pk=article.pk))
    return event


def _set_article(article: Article, **changes: Any) -> None:
    for field, value in changes.items():
        setattr(article, field, value)
    article.full_clean(exclude=["sku", "store"], validate_unique=False, validate_constraints=False)
    article.save(update_fields=[*changes, "updated_at"])


def _money(value: Decimal | int | str | None) -> Decimal:
    if value in (None, ""):
        return ZERO
    try:
        return Decimal(value)
    except ArithmeticError:
        raise ValidationError(f"{value!r} is not an amount of money.") from None


# --- running totals -----------------------------------------------------------------


def article_totals_refresh(*, articles: QuerySet[Article]) -> int:
    """Recompute the stored ledger totals of ``articles`` from their events, set-based."""
    events = Event.objects.filter(article=OuterRef("pk")).order_by().values("article")
    money = DecimalField(max_digits=14, decimal_places=2)

    def total(expression, *conditions, **filters):
        subquery = events.filter(*conditions, **filters).annotate(total=expression).values("total")
        return Coalesce(Subquery(subquery), Value(0), output_field=expression.output_field)

    return articles.update(
        total_usage_count=total(Count("pk"), kind__in=USAGE_KINDS),
        total_revenue=total(Sum("revenue", output_field=money), ~Q(kind=EventKind.SALE)),
        total_expenses=total(Sum("cost", output_field=money)),
        total_sale_proceeds=total(Sum("revenue", output_field=money), kind=EventKind.SALE),
    )


# --- stores and articles ------------------------------------------------------------


@transaction.atomic
def store_get_or_create(*, name: str) -> Store:
    """The store named ``name`` (case-insensitively), created if it does not exist."""
    name = name.strip()
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
    purchase_price: Decimal | int | str = ZERO,
    specifications: dict | None = None,
    notes: str = "",
    acquired_at: dt.datetime | None = None,
    acting_user: User = None,
) -> Article:
    """Enter one article into the fleet, with its ``acquisition`` event.

    An empty ``number`` generates ``<SKU code>-<sequence>``. A new article is
    ``active`` or ``out_of_use``; disposals come later, as events.
    """
    if status not in (Status.ACTIVE, Status.OUT_OF_USE):
        raise ValidationError(
            {"status": "A new article is active or out of use; disposals are recorded as events."}
        )
    article = Article(
        number=(number or "").strip() or _next_number(sku),
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
        purchase_price=_money(purchase_price),
        specifications=specifications or {},
        notes=notes,
    )
    article.full_clean()
    _save_article(article)
    _record(
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
        numbers = [n.strip() for n in numbers if n.strip()]
        seen: set[str] = set()
        duplicates = sorted({n for n in numbers if n.lower() in seen or seen.add(n.lower())})
        if duplicates:
            raise ValidationError(f"The list repeats {', '.join(duplicates)}.")
        if not numbers:
            raise ValidationError("The list of numbers is empty.")
    elif count < 1:
        raise ValidationError({"count": "Add at least one article."})
    articles = []
    for number in numbers if numbers is not None else [""] * count:
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
    if not model_field.is_relation:
        try:
            value = model_field.to_python(value)
        except ValidationError:
            return False  # not a value of the field: full_clean says why
    return getattr(article, field) == value


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
    article = _lock(article)
    changes = {
        field: value for field, value in data.items() if not _unchanged(article, field, value)
    }
    if not changes:
        return article
    if changes.get("allocation") == Allocation.SALES:
        _refuse_if_on_order(article, "allocating it to sales")
    before = {field: getattr(article, field) for field in changes}
    for field, value in changes.items():
        setattr(article, field, value)
    article.full_clean()
    _save_article(article, update_fields=[*changes, "updated_at"])
    summary = "; ".join(f"{field}: {before[field]} → {changes[field]}" for field in changes)
    _record(article, EventKind.NOTE, acting_user=acting_user, notes=f"Edited. {summary}")
    return article


# --- usages -------------------------------------------------------------------------


@transaction.atomic
def usage_start(
    *,
    article: Article,
    kind: str = EventKind.RENTAL,
    started_at: dt.datetime | None = None,
    ended_at: dt.datetime | None = None,
    revenue: Decimal | int | str = ZERO,
    cost: Decimal | int | str = ZERO,
    reference: str = "",
    condition: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Start a rental or subscription; with ``ended_at`` it is recorded as completed.

    Only an active, rental-allocated article that is not on order can go out, and
    no two usages of one article may overlap.
    """
    if kind not in USAGE_KINDS:
        raise ValidationError({"kind": f"{kind} is not a usage; use rental or subscription."})
    article = _lock(article)
    started_at = started_at or timezone.now()
    _check_times(started_at, ended_at)
    rules.check_usage_start(
        number=article.number, kind=kind, status=article.status, allocation=article.allocation
    )
    _refuse_overlap(article, started_at, ended_at)
    event = _record(
        article,
        kind,
        acting_user=acting_user,
        occurred_at=started_at,
        ended_at=ended_at,
        revenue=_money(revenue),
        cost=_money(cost),
        reference=reference,
        condition=condition if ended_at else "",
        notes=notes,
    )
    if ended_at and condition:
        _set_article(article, condition=condition)
    return event


def _close_usage(
    article: Article,
    usage: Event,
    *,
    ended_at: dt.datetime,
    revenue: Decimal | int | str | None = None,
    cost: Decimal | int | str | None = None,
    condition: str = "",
    notes: str = "",
) -> Event:
    _check_times(usage.occurred_at, ended_at)
    usage.ended_at = ended_at
    fields = ["ended_at"]
    if revenue not in (None, ""):
        usage.revenue = _money(revenue)
        fields.append("revenue")
    if cost not in (None, ""):
        usage.cost = _money(cost)
        fields.append("cost")
    if condition:
        usage.condition = condition
        fields.append("condition")
    if notes:
        usage.notes = f"{usage.notes}\n{notes}".strip()
        fields.append("notes")
    _validate_event(usage)
    usage.save(update_fields=fields)
    if condition:
        _set_article(article, condition=condition)
    article_totals_refresh(articles=Article.objects.filter(pk=article.pk))
    return usage


@transaction.atomic
def usage_end(
    *,
    article: Article,
    ended_at: dt.datetime | None = None,
    revenue: Decimal | int | str | None = None,
    cost: Decimal | int | str | None = None,
    condition: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """End the article's open rental or subscription (the return).

    ``revenue``, when given, is what the usage earned; ``condition`` is the grade it
    came back in and becomes the article's condition.
    """
    article = _lock(article)
    usage = _open_usage(article)
    if usage is None:
        raise ValidationError(f"{article.number} is not on order; there is no usage to end.")
    return _close_usage(
        article,
        usage,
        ended_at=ended_at or timezone.now(),
        revenue=revenue,
        cost=cost,
        condition=condition,
        notes=notes,
    )


# --- service work, inspection, transfer ---------------------------------------------


@transaction.atomic
def service_record(
    *,
    article: Article,
    kind: str,
    occurred_at: dt.datetime | None = None,
    downtime: bool = False,
    ended_at: dt.datetime | None = None,
    cost: Decimal | int | str = ZERO,
    reference: str = "",
    condition: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Record maintenance, repair or cleaning, optionally with downtime.

    An open downtime takes an active article out of use until ``service_end``; a
    downtime given with its end is recorded as completed. ``ended_at`` implies downtime.
    """
    if kind not in SERVICE_KINDS:
        raise ValidationError({"kind": f"{kind} is not service work."})
    article = _lock(article)
    occurred_at = occurred_at or timezone.now()
    downtime = downtime or ended_at is not None
    _check_times(occurred_at, ended_at)
    takes_out_of_use = rules.service_takes_out_of_use(
        status=article.status,
        downtime=downtime,
        ended_at=ended_at,
        joins_open_downtime=downtime
        and ended_at is None
        and article.status == Status.OUT_OF_USE
        and article.events.open_downtimes().filter(status=Status.OUT_OF_USE).exists(),
    )
    event = _record(
        article,
        kind,
        acting_user=acting_user,
        occurred_at=occurred_at,
        ended_at=ended_at,
        downtime=downtime,
        cost=_money(cost),
        reference=reference,
        condition=condition,
        status=Status.OUT_OF_USE if takes_out_of_use else "",
        notes=notes,
    )
    changes = {}
    if takes_out_of_use and article.status == Status.ACTIVE:
        changes["status"] = Status.OUT_OF_USE
    if condition and (ended_at is not None or not downtime):
        changes["condition"] = condition
    if changes:
        _set_article(article, **changes)
    return event


@transaction.atomic
def service_end(
    *,
    event: Event,
    ended_at: dt.datetime | None = None,
    cost: Decimal | int | str | None = None,
    condition: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """End a service event's downtime; an article it took out of use returns to active."""
    article = _lock(event.article)
    event = Event.objects.select_for_update().get(pk=event.pk)
    if not (event.kind in SERVICE_KINDS and event.downtime and event.ended_at is None):
        raise ValidationError(f"This {event.get_kind_display().lower()} has no open downtime.")
    ended_at = ended_at or timezone.now()
    _check_times(event.occurred_at, ended_at)
    event.ended_at = ended_at
    fields = ["ended_at"]
    if cost not in (None, ""):
        event.cost = _money(cost)
        fields.append("cost")
    if condition:
        event.condition = condition
        fields.append("condition")
    if notes:
        event.notes = f"{event.notes}\n{notes}".strip()
        fields.append("notes")
    _validate_event(event)
    event.save(update_fields=fields)
    changes = {}
    if event.condition:
        # The grade it came back in, given now or when the downtime was opened.
        changes["condition"] = event.condition
    still_down = article.events.open_downtimes().filter(status=Status.OUT_OF_USE).exists()
    if rules.service_end_returns_active(
        event_status=event.status, status=article.status, still_down=still_down
    ):
        changes["status"] = Status.ACTIVE
    if changes:
        _set_article(article, **changes)
    article_totals_refresh(articles=Article.objects.filter(pk=article.pk))
    return event


@transaction.atomic
def inspection_record(
    *,
    article: Article,
    condition: str,
    occurred_at: dt.datetime | None = None,
    cost: Decimal | int | str = ZERO,
    reference: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Grade the article; the grade becomes its condition."""
    if not condition:
        raise ValidationError({"condition": "An inspection needs the grade it found."})
    article = _lock(article)
    event = _record(
        article,
        EventKind.INSPECTION,
        acting_user=acting_user,
        occurred_at=occurred_at,
        condition=condition,
        cost=_money(cost),
        reference=reference,
        notes=notes,
    )
    _set_article(article, condition=condition)
    return event


@transaction.atomic
def article_transfer(
    *,
    article: Article,
    store: Store,
    occurred_at: dt.datetime | None = None,
    cost: Decimal | int | str = ZERO,
    reference: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Move the article to another store."""
    article = _lock(article)
    rules.check_transfer(
        number=article.number,
        status=article.status,
        store_id=article.store_id,
        target_store_id=store.pk,
        target_name=str(store),
    )
    event = _record(
        article,
        EventKind.TRANSFER,
        acting_user=acting_user,
        occurred_at=occurred_at,
        store=store,
        cost=_money(cost),
        reference=reference,
        notes=notes,
    )
    _set_article(article, store=store)
    return event


# --- money and remarks --------------------------------------------------------------


@transaction.atomic
def money_record(
    *,
    article: Article,
    kind: str,
    revenue: Decimal | int | str = ZERO,
    cost: Decimal | int | str = ZERO,
    occurred_at: dt.datetime | None = None,
    reference: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Record income, an expense or an adjustment (a correction carrying money)."""
    allowed = (EventKind.INCOME, EventKind.EXPENSE, EventKind.ADJUSTMENT)
    if kind not in allowed:
        raise ValidationError({"kind": f"{kind} is not income, expense or adjustment."})
    revenue, cost = _money(revenue), _money(cost)
    rules.refuse_missing_amount(kind=kind, revenue=revenue, cost=cost)
    article = _lock(article)
    return _record(
        article,
        kind,
        acting_user=acting_user,
        occurred_at=occurred_at,
        revenue=revenue,
        cost=cost,
        reference=reference,
        notes=notes,
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
    article = _lock(article)
    return _record(
        article,
        EventKind.NOTE,
        acting_user=acting_user,
        occurred_at=occurred_at,
        reference=reference,
        notes=notes,
    )


# --- status and disposal ------------------------------------------------------------


def _dispose(
    article: Article,
    target: str,
    *,
    occurred_at: dt.datetime,
    doing: str,
) -> None:
    """Checks and effects that every disposal shares, whatever event records it.

    A sale or loss while on order ends the open usage at that moment (a buy-out, a
    loss on rental); a retirement while on order is refused.
    """
    # Only usages that reach the disposal's moment or start after it can matter.
    usages = article.events.usages().filter(
        Q(occurred_at__gte=occurred_at) | Q(ended_at__isnull=True) | Q(ended_at__gt=occurred_at)
    )
    running = rules.check_disposal(
        number=article.number,
        usages=usages,
        occurred_at=occurred_at,
        target=target,
        doing=doing,
    )
    if running is not None:
        _close_usage(article, running, ended_at=occurred_at, notes=f"Ended by {doing}.")
    _set_article(
        article,
        status=target,
        disposed_at=rules.disposed_at_after(
            status=article.status, disposed_at=article.disposed_at, occurred_at=occurred_at
        ),
    )


def _status_set(article: Article, target: str, *, occurred_at: dt.datetime, doing: str) -> None:
    """Move ``article`` (already locked) to ``target`` under the lifecycle table."""
    rules.check_transition(number=article.number, status=article.status, target=target)
    if target in DISPOSED_STATUSES:
        _dispose(
            article,
            target,
            occurred_at=occurred_at,
            doing=doing,
        )
    elif article.status == Status.LOST:
        rules.check_found(
            number=article.number, disposed_at=article.disposed_at, occurred_at=occurred_at
        )
        _set_article(article, status=target, disposed_at=None)
    else:
        _set_article(article, status=target)


@transaction.atomic
def article_status_change(
    *,
    article: Article,
    status: str,
    occurred_at: dt.datetime | None = None,
    notes: str = "",
    reference: str = "",
    acting_user: User = None,
) -> Event:
    """A manual status change with its reason, under the lifecycle table."""
    if status not in Status.values:
        raise ValidationError({"status": f"{status!r} is not a status."})
    article = _lock(article)
    occurred_at = occurred_at or timezone.now()
    _status_set(article, status, occurred_at=occurred_at, doing="status change")
    return _record(
        article,
        EventKind.STATUS_CHANGE,
        acting_user=acting_user,
        occurred_at=occurred_at,
        status=status,
        reference=reference,
        notes=notes,
    )


def _disposal(
    kind: str,
    *,
    article: Article,
    occurred_at: dt.datetime | None,
    acting_user: User,
    **fields: Any,
) -> Event:
    article = _lock(article)
    occurred_at = occurred_at or timezone.now()
    _status_set(
        article, DISPOSAL_KINDS[kind], occurred_at=occurred_at, doing=EventKind(kind).label.lower()
    )
    return _record(article, kind, acting_user=acting_user, occurred_at=occurred_at, **fields)


@transaction.atomic
def article_sell(
    *,
    article: Article,
    price: Decimal | int | str,
    occurred_at: dt.datetime | None = None,
    cost: Decimal | int | str = ZERO,
    reference: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Sell the article; sold while on order, it is the customer's buy-out."""
    return _disposal(
        EventKind.SALE,
        article=article,
        occurred_at=occurred_at,
        acting_user=acting_user,
        revenue=_money(price),
        cost=_money(cost),
        reference=reference,
        notes=notes,
    )


@transaction.atomic
def article_retire(
    *,
    article: Article,
    occurred_at: dt.datetime | None = None,
    cost: Decimal | int | str = ZERO,
    reference: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Scrap, recycle or donate the article; refused while it is on order."""
    return _disposal(
        EventKind.RETIREMENT,
        article=article,
        occurred_at=occurred_at,
        acting_user=acting_user,
        cost=_money(cost),
        reference=reference,
        notes=notes,
    )


@transaction.atomic
def article_report_lost(
    *,
    article: Article,
    occurred_at: dt.datetime | None = None,
    revenue: Decimal | int | str = ZERO,
    cost: Decimal | int | str = ZERO,
    reference: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Lost or stolen; ``revenue`` is insurance or a charge to the customer."""
    return _disposal(
        EventKind.LOSS,
        article=article,
        occurred_at=occurred_at,
        acting_user=acting_user,
        revenue=_money(revenue),
        cost=_money(cost),
        reference=reference,
        notes=notes,
    )


@transaction.atomic
def article_found(
    *,
    article: Article,
    occurred_at: dt.datetime | None = None,
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """A lost article is back: it becomes active again and is no longer disposed."""
    article = _lock(article)
    if article.status != Status.LOST:
        raise ValidationError(
            f"{article.number} is {article.get_status_display().lower()}, not lost."
        )
    return article_status_change(
        article=article,
        status=Status.ACTIVE,
        occurred_at=occurred_at,
        notes=notes or "Found.",
        acting_user=acting_user,
    )


# --- one entry point for a ledger row -----------------------------------------------


def event_record(
    *,
    article: Article,
    kind: str,
    occurred_at: dt.datetime,
    ended_at: dt.datetime | None = None,
    revenue: Decimal | int | str | None = None,
    cost: Decimal | int | str | None = None,
    reference: str = "",
    condition: str = "",
    store: Store | None = None,
    status: str = "",
    notes: str = "",
    acting_user: User = None,
) -> Event:
    """Record one ledger row of any kind through the service that owns its rules.

    This is how a row of ``events.csv`` or the admin's "add event" form enters the
    ledger. A service row whose ``status`` is ``out_of_use`` and that has no end is
    an open downtime; with an end it is a completed downtime.
    """
    revenue, cost = _money(revenue), _money(cost)
    common = {"occurred_at": occurred_at, "reference": reference, "acting_user": acting_user}
    # Which fields a row of this kind may carry; the services below check its effects.
    rules.check_event_row(
        kind=kind,
        ended_at=ended_at,
        revenue=revenue,
        cost=cost,
        condition=condition,
        store=store,
        status=status,
    )
    if kind in USAGE_KINDS:
        return usage_start(
            article=article,
            kind=kind,
            started_at=occurred_at,
            ended_at=ended_at,
            revenue=revenue,
            cost=cost,
            reference=reference,
            condition=condition,
            notes=notes,
            acting_user=acting_user,
        )
    if kind in SERVICE_KINDS:
        return service_record(
            article=article,
            kind=kind,
            downtime=status == Status.OUT_OF_USE or ended_at is not None,
            ended_at=ended_at,
            cost=cost,
            condition=condition,
            notes=notes,
            **common,
        )
    if kind == EventKind.INSPECTION:
        return inspection_record(
            article=article, condition=condition, cost=cost, notes=notes, **common
        )
    if kind == EventKind.TRANSFER:
        return article_transfer(article=article, store=store, cost=cost, notes=notes, **common)
    if kind == EventKind.STATUS_CHANGE:
        return article_status_change(article=article, status=status, notes=notes, **common)
    if kind in (EventKind.INCOME, EventKind.EXPENSE, EventKind.ADJUSTMENT):
        return money_record(
            article=article, kind=kind, revenue=revenue, cost=cost, notes=notes, **common
        )
    if kind == EventKind.NOTE:
        return note_record(article=article, notes=notes or "(no text)", **common)
    if kind == EventKind.SALE:
        return article_sell(article=article, price=revenue, cost=cost, notes=notes, **common)
    if kind == EventKind.RETIREMENT:
        return article_retire(article=article, cost=cost, notes=notes, **common)
    # EventKind.LOSS
    return article_report_lost(article=article, revenue=revenue, cost=cost, notes=notes, **common)
