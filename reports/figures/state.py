"""An article's status, condition and store at T, read from the ledger.

SPEC.md: a report as of D shows the fleet as it stood at T. An article's state at T is
its state when it entered the fleet (its acquisition event holds the entry store,
condition and status), changed by every effect that took place before T, as
``articles.kinds`` defines them: a grade of an inspection or of service work without
downtime at once, a usage's or downtime's grade at its end (an end at T counts, as a
usage ending at T is no longer on order at T), a transfer's store, a status change's
or a disposal's status. A downtime that took the article out of use holds it out of
use while it is open; its end brings it back to active unless another one still
holds it. An article without a ledger entry that sets a value keeps its stored one.

Each value is the latest of its events, found in the same aggregate pass as the other
figures: ``Dialect.latest_key`` writes (moment, event id, value) as text that sorts in
that order, so ``MAX`` of it is the value of the latest event (ties in the order
recorded), with no sort and no per-article statement.
"""

from __future__ import annotations

from dataclasses import dataclass

from articles.models import (
    DISPOSAL_KINDS,
    DISPOSED_STATUSES,
    SERVICE_KINDS,
    USAGE_KINDS,
    Event,
    EventKind,
    Status,
)

from .dialect import Dialect, Params, table


@dataclass(frozen=True)
class Vocabulary:
    """The ledger's kinds and statuses as placeholders of one statement's parameters."""

    usage: str
    service: str
    disposal: str
    disposed: str
    back: str
    sale: str
    status_change: str
    acquisition: str
    transfer: str
    inspection: str
    active: str
    out_of_use: str
    disposed_status_of_kind: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, params: Params) -> Vocabulary:
        return cls(
            usage=params.text_list("usage", USAGE_KINDS),
            service=params.text_list("service", SERVICE_KINDS),
            disposal=params.text_list("disposal", DISPOSAL_KINDS),
            disposed=params.text_list("disposed", DISPOSED_STATUSES),
            back=params.text_list("back", (Status.ACTIVE, Status.OUT_OF_USE)),
            sale=params.text("kind_sale", EventKind.SALE),
            status_change=params.text("kind_status_change", EventKind.STATUS_CHANGE),
            acquisition=params.text("kind_acquisition", EventKind.ACQUISITION),
            transfer=params.text("kind_transfer", EventKind.TRANSFER),
            inspection=params.text("kind_inspection", EventKind.INSPECTION),
            active=params.text("status_active", Status.ACTIVE),
            out_of_use=params.text("status_out_of_use", Status.OUT_OF_USE),
            disposed_status_of_kind=tuple(
                (
                    params.text(f"disposal_kind_{index}", kind),
                    params.text(f"disposal_status_{index}", status),
                )
                for index, (kind, status) in enumerate(sorted(DISPOSAL_KINDS.items()))
            ),
        )


def state_aggregates(sql: Dialect, words: Vocabulary) -> dict[str, str]:
    """The columns of the per-article aggregate ``g`` (over events with occurred_at < T)
    that the state at T is made of."""
    t = sql.as_timestamp("%(t)s")
    usage, service = f"e.kind IN ({words.usage})", f"e.kind IN ({words.service})"
    graded_at = (
        f"CASE WHEN {usage} OR ({service} AND e.downtime) THEN e.ended_at ELSE e.occurred_at END"
    )
    graded = (
        f"({usage} OR {service} OR e.kind IN ({words.inspection}, {words.acquisition}))"
        f" AND e.condition <> '' AND {graded_at} <= {t}"
    )
    moved = f"e.kind IN ({words.acquisition}, {words.transfer}) AND e.store_id IS NOT NULL"
    disposal_status = " ".join(
        f"WHEN e.kind = {kind} THEN {status}" for kind, status in words.disposed_status_of_kind
    )
    status_set = (
        f"CASE WHEN e.kind = {words.acquisition} THEN COALESCE(NULLIF(e.status, ''), {words.active})"
        f" WHEN e.kind = {words.status_change} THEN e.status {disposal_status} END"
    )
    sets_status = f"e.kind IN ({words.acquisition}, {words.status_change}, {words.disposal})"
    out = (
        f"e.kind IN ({words.disposal})"
        f" OR (e.kind = {words.status_change} AND e.status IN ({words.disposed}))"
    )
    held = f"{service} AND e.status = {words.out_of_use}"
    return {
        "condition_key": f"MAX({sql.latest_key(graded_at, 'e.id', 'e.condition')})"
        f" FILTER (WHERE {graded})",
        "store_key": f"MAX({sql.latest_key('e.occurred_at', 'e.id', sql.as_text('e.store_id'))})"
        f" FILTER (WHERE {moved})",
        "status_key": f"MAX({sql.latest_key('e.occurred_at', 'e.id', status_set)})"
        f" FILTER (WHERE {sets_status})",
        "status_set_at": f"MAX(e.occurred_at) FILTER (WHERE {sets_status})",
        # The last change back into the fleet, and the first disposal: an article
        # disposed at T has been gone since its first disposal after the last change back.
        "last_back": f"MAX(e.occurred_at) FILTER (WHERE e.kind = {words.status_change}"
        f" AND e.status IN ({words.back}))",
        "first_out": f"MIN(e.occurred_at) FILTER (WHERE {out})",
        # Downtimes that took the article out of use: the latest start of one still
        # open at T, the latest start of any, and the latest end of one ended by T.
        "held_open_since": f"MAX(e.occurred_at) FILTER (WHERE {held}"
        f" AND (e.ended_at IS NULL OR e.ended_at > {t}))",
        "held_last_start": f"MAX(e.occurred_at) FILTER (WHERE {held})",
        "held_ended_at": f"MAX(e.ended_at) FILTER (WHERE {held} AND e.ended_at <= {t})",
    }


def state_columns(sql: Dialect, words: Vocabulary) -> dict[str, str]:
    """Status, condition and store at T, and the moment of disposal if disposed at T,
    as expressions over ``a`` (the article) and ``g`` (``state_aggregates``)."""
    entry_status = f"COALESCE({sql.latest_value('g.status_key')}, a.status)"
    # The status that the last status change, disposal or acquisition set, before
    # the downtimes. While one is open at T, a downtime that began after that change
    # took the article out of use (or found it out of use) and no end since has
    # brought it back, as the open one still held it: out of use. With none open,
    # the last end after a status change to out of use returned it to active.
    status = f"""CASE
        WHEN {entry_status} IN ({words.disposed}) THEN {entry_status}
        WHEN g.held_open_since IS NOT NULL
             AND (g.status_set_at IS NULL OR g.held_last_start > g.status_set_at)
            THEN {words.out_of_use}
        WHEN {entry_status} = {words.out_of_use} AND g.held_open_since IS NULL
             AND g.held_ended_at > g.status_set_at
            THEN {words.active}
        ELSE {entry_status} END"""
    first_out_after_back = f"""(SELECT MIN(e.occurred_at) FROM {table(Event)} e
        WHERE e.article_id = a.id AND e.occurred_at > g.last_back
          AND e.occurred_at < %(t)s
          AND (e.kind IN ({words.disposal})
               OR (e.kind = {words.status_change} AND e.status IN ({words.disposed}))))"""
    disposed_at = f"""CASE WHEN {entry_status} IN ({words.disposed}) THEN
        CASE WHEN g.first_out IS NULL THEN a.disposed_at
             WHEN g.last_back IS NULL OR g.first_out > g.last_back THEN g.first_out
             ELSE {first_out_after_back} END
        END"""
    return {
        "status_at_t": status,
        "condition_at_t": f"COALESCE({sql.latest_value('g.condition_key')}, a.condition)",
        "store_at_t": f"COALESCE({sql.as_integer(sql.latest_value('g.store_key'))}, a.store_id)",
        "disposed_at_t": disposed_at,
    }


# The state at a T after now: the article's own columns (see ``Horizon.is_after_now``).
CURRENT_STATE = {
    "status_at_t": "a.status",
    "condition_at_t": "a.condition",
    "store_at_t": "a.store_id",
    "disposed_at_t": "a.disposed_at",
}


def store_at_t_is(sql: Dialect, store_id: str) -> str:
    """The condition on ``a`` that the article's store at T is ``store_id``: the store
    of its latest transfer or acquisition before T (needs ``t``), else its stored one.
    A correlated subquery over the few moves of each article, for a store's report."""
    acquisition, transfer = "%(store_kind_acquisition)s", "%(store_kind_transfer)s"
    return f"""COALESCE((SELECT e.store_id FROM {table(Event)} e
        WHERE e.article_id = a.id AND e.kind IN ({acquisition}, {transfer})
          AND e.store_id IS NOT NULL AND e.occurred_at < {sql.as_timestamp("%(t)s")}
        ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1), a.store_id) = {store_id}"""


def store_words(params: Params) -> None:
    """The parameters ``store_at_t_is`` reads."""
    params.text("store_kind_acquisition", EventKind.ACQUISITION)
    params.text("store_kind_transfer", EventKind.TRANSFER)
