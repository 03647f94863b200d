"""The SKU figures and the sell-off as of today, kept per SKU between requests.

At 100,000 articles ``sku_figures`` and ``selloff`` read two million events and take
seconds, while a day's recordings touch a few SKUs. So the part of each report that
belongs to one SKU (its row of ``sku_figures``; its candidates and its line of the
summary of ``selloff``) is kept in ``reports.models.KeptSkuReport``, for the as-of date
it was computed on (today) and the default parameters only: each SKU's own window,
every store. The database forgets a SKU's rows as soon as anything they are made of
changes (the triggers of migration ``reports/0002``: its events, its articles, the SKU,
a store its articles are in), so a row that is there is fresh.

A report as of today then reads the kept rows of the SKUs it covers, computes the
missing ones with the same functions (``sku_reports``, ``selloff``) narrowed to those
SKUs, and keeps them. A SKU's figures depend on its own articles and events only, so
the rows of a report narrowed to some SKUs are those of the whole fleet's report: what
is kept equals what is computed by construction, and the candidates are sorted again
as ``selloff`` sorts them. ``tests/reports/test_kept_reports.py`` proves it.

Rows are kept as monthly totals are (``monthly``): under a SHARE lock on the tables the
triggers watch, taken before the snapshot that computes them, so that no write can
slip in between their computing and their keeping. The lock is tried a few times
without waiting (``_locked``: never a deadlock with a writer); when a write holds one
of the tables each time, the missing rows are computed and shown but not kept. While the
missing rows are computed, writers of those tables wait: at most once a day for the
whole fleet (the first report of the day), otherwise for the few SKUs that changed.

A past as-of date, a window or a store computes as before; so does SQLite, which keeps
nothing (it has no such triggers here).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Count, JSONField, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from articles.models import Article, Event, Store
from reports.models import KeptCandidate, KeptSkuReport
from skus.models import SKU

from .dialect import table
from .horizon import Horizon
from .kept_candidates import candidate_listing, candidates_keep, candidates_read
from .kept_encoding import Payload, decoded_rows, encoded_rows
from .reading import named_rows
from .selloff import Selloff, SkuSelloff, selloff, selloff_of
from .skus import sku_figures, sku_reports

SKUS = KeptSkuReport.Report.SKUS
SELLOFF = KeptSkuReport.Report.SELLOFF
# How often, and how far apart in seconds, a report tries to lock the tables the
# triggers watch before it computes without keeping.
LOCK_TRIES = 4
LOCK_PAUSE = 0.05
# Lock not available (NOWAIT), deadlock, serialization failure (another report kept the
# same rows first, in REPEATABLE READ).
GIVE_UP_STATES = ("55P03", "40P01", "40001")
# What a change of forgets the kept rows (migration reports/0002): locked while keeping.
WATCHED = (Event, Article, SKU, Store)
# The key under which a part read from the database names its row.
PART = "part"
# The most SKUs whose parts are made again after a write (``reports.keeper``), and how
# often and how far apart in seconds a report waits for them before computing them.
AFTER_WRITES_MOST = 10
KEEPER_WAITS = 10
KEEPER_PAUSE = 0.1


def kept_sku_figures(
    *,
    as_of: dt.date | None = None,
    window_days: int | None = None,
    skus: QuerySet[SKU] | None = None,
    store: Store | None = None,
) -> list[dict[str, Any]]:
    """``sku_figures``, from the kept rows when it is asked as of today with the default
    parameters (``skus`` may narrow it) on PostgreSQL; computed otherwise."""
    today = _kept_day(as_of, window_days, store)
    if today is None:
        return sku_figures(as_of=as_of, window_days=window_days, skus=skus, store=store)
    return [_figures(payload) for payload in _payloads(SKUS, today, skus)]


def kept_selloff(
    *,
    as_of: dt.date | None = None,
    window_days: int | None = None,
    skus: QuerySet[SKU] | None = None,
    store: Store | None = None,
) -> Selloff:
    """``selloff``, from the kept rows when it is asked as of today with the default
    parameters (``skus`` may narrow it) on PostgreSQL; computed otherwise."""
    today = _kept_day(as_of, window_days, store)
    if today is None:
        return selloff(as_of=as_of, window_days=window_days, skus=skus, store=store)
    return _kept_selloff(_payloads(SELLOFF, today, skus), today, skus)


def _kept_selloff(parts: list[Payload], today: dt.date, skus: QuerySet[SKU] | None) -> Selloff:
    """The sell-off of ``parts`` (``_payloads``): the candidates of the parts read from
    the database read from their rows, those of the parts computed now decoded."""
    kept = {payload[PART]: payload["line"]["candidates"] for payload in parts if PART in payload}
    candidates, counts = candidates_read(kept) if kept else ([], {})
    if any(counts.get(part, 0) != expected for part, expected in kept.items()):
        # A part was forgotten (and perhaps kept anew) between its line and its
        # candidates: this once, the whole answer is computed.
        return selloff(as_of=today, skus=skus)
    computed_now = [
        candidate
        for payload in parts
        if PART not in payload
        for candidate in decoded_rows(payload["candidates"])
    ]
    if computed_now:
        candidates.extend(computed_now)
        # As ``selloff`` sorts them (numbers are unique, so the order is total).
        candidates.sort(key=lambda candidate: (candidate["keep_margin"], candidate["number"]))
    return Selloff(candidates=candidates, per_sku=[_line(payload) for payload in parts])


@dataclass(frozen=True)
class SelloffListing:
    """The sell-off for a page: the line of every SKU in scope, and the candidates
    either as kept rows that the database sorts and pages (``candidate_listing``) or,
    when they were computed for this request, as ``selloff`` lists them."""

    per_sku: list[SkuSelloff]
    candidates: QuerySet[KeptCandidate, dict[str, Any]] | list[dict[str, Any]]


def kept_selloff_listing(
    *,
    as_of: dt.date | None = None,
    window_days: int | None = None,
    skus: QuerySet[SKU] | None = None,
    store: Store | None = None,
) -> SelloffListing:
    """The sell-off as a page lists it: from the kept rows as of today with the default
    parameters on PostgreSQL, once every SKU in scope is kept; computed otherwise."""
    today = _kept_day(as_of, window_days, store)
    if today is None:
        found = selloff(as_of=as_of, window_days=window_days, skus=skus, store=store)
    else:
        parts = _payloads(SELLOFF, today, skus)
        if all(PART in payload for payload in parts):
            return SelloffListing(
                per_sku=[_line(payload) for payload in parts],
                candidates=candidate_listing(payload[PART] for payload in parts),
            )
        # Some parts were computed for this request: their candidates are at hand.
        found = _kept_selloff(parts, today, skus)
    return SelloffListing(per_sku=found.per_sku, candidates=found.candidates)


def kept_selloff_candidates(
    *,
    as_of: dt.date | None = None,
    window_days: int | None = None,
    skus: QuerySet[SKU] | None = None,
    store: Store | None = None,
) -> list[dict[str, Any]]:
    """``selloff_candidates``, as ``kept_selloff`` finds them."""
    return kept_selloff(as_of=as_of, window_days=window_days, skus=skus, store=store).candidates


def kept_reports_forget() -> int:
    """Forget every kept row (``recompute_figures``, after the ledger was changed with
    the triggers off); the next report computes and keeps them again. Returns how many
    were forgotten."""
    deleted, _ = KeptSkuReport.objects.all().delete()
    return deleted


def kept_reports_refresh(*, most: int = AFTER_WRITES_MOST) -> bool:
    """Compute and keep, as of today, both reports' parts of the SKUs that miss one
    (``reports.keeper``, after a write made the database forget them), when at most
    ``most`` SKUs do: more (a new day, a large import) are left to the next report,
    which computes the whole fleet. Both parts come from one reading of the ledger
    (the sell-off's rows hold the SKU report's). False when the lock did not come in
    time (a write held the ledger: the caller may try again), else True. PostgreSQL
    only, outside a transaction."""
    if connection.vendor != "postgresql":
        return True
    today, basis = Horizon.of(None).day, _basis()
    if not _missing(today, basis, most):
        return True
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        if not _locked(outermost=True):
            return False
        missing = _missing(today, basis, most)  # again, under the lock
        if not missing:
            return True
        horizon, reports = sku_reports(
            as_of=today,
            window_days=None,
            skus=SKU.objects.filter(pk__in=missing),
            store=None,
            report="selloff",
        )
        codes = {report.sku.pk: report.sku.code for report in reports}
        figures = {report.sku.pk: encoded_rows([report.figures]) for report in reports}
        return _keep(SKUS, today, basis, figures) and _keep(
            SELLOFF, today, basis, _selloff_parts(selloff_of(horizon, reports), codes)
        )


def kept_reports_make(report: str) -> int:
    """Compute and keep, as of today, the part of ``report`` of every SKU that misses
    it, as the day's first report would (``manage.py keep_reports``, run before the
    staff arrive). Returns how many SKUs still miss it: 0, unless writes held the
    ledger at every try of the lock (the parts were then computed but not kept).
    PostgreSQL only (SQLite keeps nothing: 0)."""
    if connection.vendor != "postgresql":
        return 0
    today, basis = Horizon.of(None).day, _basis()
    _payloads(report, today, None)
    kept = KeptSkuReport.objects.filter(report=report, as_of=today, basis=basis)
    return SKU.objects.exclude(pk__in=kept.values("sku_id")).count()


def _missing(today: dt.date, basis: str, most: int) -> list[int]:
    """The SKUs that miss their part of either report, when at most ``most`` do and
    the day's reports were kept already (before the day's first report, or while a
    fleet is being loaded, nothing is made in advance)."""
    kept_today = KeptSkuReport.objects.filter(as_of=today, basis=basis)
    if not kept_today.exists():
        return []
    both = (
        kept_today.values("sku_id")
        .annotate(parts=Count("*"))
        .filter(parts=len(KeptSkuReport.Report))
        .values("sku_id")
    )
    missing = list(SKU.objects.exclude(pk__in=both).values_list("pk", flat=True)[: most + 1])
    return missing if len(missing) <= most else []


def _kept_day(
    as_of: dt.date | None, window_days: int | None, store: Store | None
) -> dt.date | None:
    """Today, when the report asked for is kept: as of today (or no date), with the
    default parameters, on PostgreSQL; else None."""
    if connection.vendor != "postgresql" or window_days is not None or store is not None:
        return None
    today = Horizon.of(None).day
    return today if as_of is None or as_of == today else None


def _basis() -> str:
    """The installation settings the figures depend on besides the database: rows kept
    under others are not read (and are forgotten at the next keeping)."""
    return (
        f"zone={timezone.get_default_timezone()};window={settings.SELLOFF_WINDOW_DAYS};"
        f"rate={settings.DEPRECIATION_RATE};hurdle={settings.RENEWAL_HURDLE_SHARE}"
    )


def _figures(payload: Payload) -> dict[str, Any]:
    (figures,) = decoded_rows(payload)
    return figures


def _line(payload: Payload) -> SkuSelloff:
    return SkuSelloff(**payload["line"])


# --- Reading, computing and keeping ----------------------------------------------------


def _payloads(report: str, today: dt.date, skus: Iterable[SKU] | None) -> list[Payload]:
    """The kept part of ``report`` of every SKU in scope, sorted by code as the report
    sorts its SKUs: read in one statement when all are kept, else the missing ones
    computed (and kept)."""
    basis = _basis()
    scope = _scope(skus)
    found = _read(report, today, basis, scope)
    missing = sum(payload is None for _, _, payload in found)
    if missing and missing <= AFTER_WRITES_MOST and settings.KEEP_REPORTS_AFTER_WRITES:
        # A few SKUs were forgotten by a write a moment ago: the keeper of the process
        # that wrote is making them (``reports.keeper``). Waiting for it costs less than
        # computing them again, and than sorting every candidate in Python when the
        # lock does not come (then the computed candidates cannot be paged by SQL).
        for _ in range(KEEPER_WAITS):
            time.sleep(KEEPER_PAUSE)
            found = _read(report, today, basis, scope)
            if all(payload is not None for _, _, payload in found):
                break
    if any(payload is None for _, _, payload in found):
        found = _computed(report, today, basis, scope, whole_fleet=skus is None)
    return [payload for _, _, payload in sorted(found, key=lambda item: item[1])]


def _scope(skus: Iterable[SKU] | None) -> Q:
    if skus is None:
        return Q()
    if isinstance(skus, QuerySet):
        return Q(pk__in=skus.values("pk"))
    return Q(pk__in=[sku.pk for sku in skus])


def _read(report: str, today: dt.date, basis: str, scope: Q) -> list[tuple[int, str, Any]]:
    """(id, code, kept part or None) of every SKU in scope: one statement. A part read
    here names its row (``PART``), where its sell-off candidates are kept."""
    kept = KeptSkuReport.objects.filter(
        sku=OuterRef("pk"), report=report, as_of=today, basis=basis
    ).values("rows", "pk")[:1]
    found = (
        SKU.objects.filter(scope)
        .annotate(
            kept=Subquery(kept.values("rows"), output_field=JSONField()),
            part=Subquery(kept.values("pk")),
        )
        .values_list("pk", "code", "kept", "part")
    )
    return [
        (pk, code, None if payload is None else {**payload, PART: part})
        for pk, code, payload, part in found
    ]


def _computed(
    report: str, today: dt.date, basis: str, scope: Q, *, whole_fleet: bool
) -> list[tuple[int, str, Any]]:
    """Every SKU in scope with its part, the missing ones computed and, when the lock
    came in time, kept: read again under the lock, since rows may have been kept or
    forgotten since the first reading."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost:
            # One snapshot for the reading and the computing, also when the lock does
            # not come; taken after the lock (LOCK TABLE takes none).
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        locked = _locked(outermost=outermost)
        found = _read(report, today, basis, scope)
        missing = [(pk, code) for pk, code, payload in found if payload is None]
        if not missing:
            return found
        # Most of the fleet is computed as the whole fleet's report, which tunes its
        # transaction (``reading``); the SKUs still kept are kept again, the same.
        everything = whole_fleet and 2 * len(missing) > len(found)
        narrowed = None if everything else SKU.objects.filter(pk__in=[pk for pk, _ in missing])
        compute = _computed_skus if report == SKUS else _computed_selloff
        computed = compute(today, narrowed, {pk: code for pk, code, _ in found})
        if locked and _keep(report, today, basis, computed):
            # Read back, so that every part names its row: a page then lists the
            # candidates from their rows, in the database's order and pages, rather
            # than decoding every SKU's candidates to sort them here.
            return _read(report, today, basis, scope)
    # Without the lock in a READ COMMITTED caller's transaction, a SKU deleted or
    # renamed between the statements is left out of this one answer.
    every = [(pk, code, computed.get(pk, payload)) for pk, code, payload in found]
    return [(pk, code, payload) for pk, code, payload in every if payload is not None]


def _computed_skus(
    today: dt.date, skus: QuerySet[SKU] | None, codes: dict[int, str]
) -> dict[int, Payload]:
    """Each SKU's row of ``sku_figures`` (the same function's reports), encoded."""
    _, reports = sku_reports(as_of=today, window_days=None, skus=skus, store=None, report="skus")
    return {report.sku.pk: encoded_rows([report.figures]) for report in reports}


def _computed_selloff(
    today: dt.date, skus: QuerySet[SKU] | None, codes: dict[int, str]
) -> dict[int, Payload]:
    """Each SKU's line of ``selloff`` and its candidates, encoded."""
    return _selloff_parts(selloff(as_of=today, skus=skus), codes)


def _selloff_parts(found: Selloff, codes: dict[int, str]) -> dict[int, Payload]:
    """Each SKU's line of the sell-off ``found`` and its candidates, encoded, by the
    SKU's id (``codes``: its code by id)."""
    chosen: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for candidate in found.candidates:
        chosen[candidate["sku_code"]].append(candidate)
    pk_of_code = {code: pk for pk, code in codes.items()}
    return {
        pk_of_code[line.code]: {
            "line": asdict(line),
            "candidates": encoded_rows(chosen[line.code]),
        }
        for line in found.per_sku
        if line.code in pk_of_code
    }


def _locked(*, outermost: bool) -> bool:
    """Lock the tables the triggers watch against writes (SHARE: readers go on); False
    when a write held one of them at each of ``LOCK_TRIES`` tries, or when the caller's
    transaction is not READ COMMITTED (its snapshot may be older than the lock).

    Each try takes every table or none (NOWAIT, in a savepoint), so the report never
    waits while holding one of them: no deadlock with a writer, and writers wait only
    while rows are computed, not while the report waits for its turn."""
    with connection.cursor() as cursor:
        if not outermost:
            cursor.execute("SELECT current_setting('transaction_isolation') AS isolation")
            if named_rows(cursor)[0]["isolation"] != "read committed":
                return False
        tables = ", ".join(table(model) for model in WATCHED)
        for attempt in range(LOCK_TRIES):
            if attempt:
                time.sleep(LOCK_PAUSE)
            try:
                with transaction.atomic():
                    cursor.execute(f"LOCK TABLE {tables} IN SHARE MODE NOWAIT")
            except OperationalError as error:
                if _state(error) not in GIVE_UP_STATES:
                    raise
            else:
                return True
    return False


def _keep(report: str, today: dt.date, basis: str, computed: dict[int, Payload]) -> bool:
    """Keep ``computed`` and forget what was kept for another day or other settings.
    A sell-off part keeps its line in its row and its candidates as rows of their own
    (``candidates_keep``). When another report kept the same rows first (both under the
    lock, so with the same figures), this one leaves them and returns False."""
    now = timezone.now()
    try:
        with transaction.atomic():
            KeptSkuReport.objects.exclude(as_of=today, basis=basis).delete()
            parts = KeptSkuReport.objects.bulk_create(
                [
                    KeptSkuReport(
                        sku_id=pk,
                        report=report,
                        as_of=today,
                        basis=basis,
                        rows={"line": payload["line"]} if report == SELLOFF else payload,
                        computed_at=now,
                    )
                    for pk, payload in computed.items()
                ],
                update_conflicts=True,
                unique_fields=["sku", "report"],
                update_fields=["as_of", "basis", "rows", "computed_at"],
            )
            if report == SELLOFF:
                candidates_keep(
                    {part.pk: (part.sku_id, computed[part.sku_id]["candidates"]) for part in parts}
                )
    except OperationalError as error:
        if _state(error) not in GIVE_UP_STATES:
            raise
        return False
    return True


def _state(error: BaseException) -> str | None:
    """The SQLSTATE of a database error (the driver's error is its cause)."""
    return getattr(error.__cause__, "sqlstate", None)
