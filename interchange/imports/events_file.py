"""The import of ``events.csv``: reading the rows, then replaying them per article."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from operator import itemgetter
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles import rules
from articles.models import Condition, EventKind, Status
from interchange.columns import EVENTS
from interchange.tabular import RowError, Table, open_table

from .cells import Cells, check_header, length_error, row_width_error, stream
from .replay import Replay
from .results import (
    ActingUser,
    ImportFailed,
    ImportResult,
    Progress,
    error_text,
    progress_for,
    reporting,
)
from .state import EventRows, Row


@reporting
def events_import(
    *,
    path: Path | str,
    name: str = "",
    dry_run: bool = False,
    acting_user: ActingUser = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Apply the rows of an ``events.csv`` (or .xlsx) file to the ledger.

    A row equal to an event already recorded in (article, kind, occurred_at,
    reference) is skipped; one that matches an open usage or downtime and carries
    ``ended_at`` closes it: the event gets its end and grade, and money or notes the
    closing row gives become events of their own (the ledger is append-only). A
    service row with ``ended_at`` is a completed downtime, with ``status`` out_of_use
    and no end an open one, otherwise service work without downtime. An acquisition
    row is skipped: the acquisition is recorded when the article is added
    (``articles.csv``). ``occurred_at`` and ``ended_at`` must have happened;
    ``due_at``, when it is planned to end, may lie ahead.

    The events record ``acting_user`` and, as their source, the file's name
    (``name``, the upload's name, or else the name of ``path``).
    """
    progress = progress_for(progress)
    table = open_table(path, name=name)
    check_header(table, EVENTS)
    errors: list[RowError] = []
    rows = _read_event_rows(table, progress, errors)
    if not rows.count and not errors:
        raise ImportFailed([RowError(0, "", "The file has a header but no rows to import.")])
    result = ImportResult(dry_run=dry_run)
    with transaction.atomic():
        Replay(
            rows,
            errors,
            result,
            acting_user=acting_user,
            source=Path(name or path).name,
            progress=progress,
        ).run()
        if errors:
            transaction.set_rollback(True)
            raise ImportFailed(errors)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _read_event_rows(table: Table, progress: Progress, errors: list[RowError]) -> EventRows:
    header = table.header
    position = {column: header.index(column) for column in EVENTS.names if column in header}
    # The columns of a bounded length, by their place among the row's cells below.
    bounded = [
        (column, EVENTS.names.index(column), limit)
        for column, limit in EVENTS.max_lengths().items()
        if column in position
    ]
    width = len(header)
    cells = Cells()
    now = timezone.now()
    past = cells.past
    interned: dict[str, str] = {}
    kinds, conditions, statuses = EventKind.values, Condition.values, Status.values
    known_kinds, known_conditions = frozenset(kinds), frozenset(conditions)
    known_statuses = frozenset(statuses)
    groups: dict[str, list[Row]] = defaultdict(list)
    originals: dict[str, str] = {}
    unapplied: dict[str, list[int]] = defaultdict(list)
    stores: set[str] = set()
    count = 0

    padding = [""] * width
    indexes = [position.get(name) for name in EVENTS.names]
    # The row's cells in the order of EVENTS.names, a column the file lacks empty.
    cells_of: Callable[[list[str]], Iterable[str]] = (
        itemgetter(*indexes)
        if None not in indexes
        else lambda values: [values[index] if index is not None else "" for index in indexes]
    )

    def moment(line: int, name: str, text: str) -> dt.datetime | None:
        """The moment of a cell that is not yet remembered as read and checked."""
        try:
            if name == "due_at":
                return cells.moment(text)
            value = cells.past_moment(text, field=name, now=now)
        except ValueError as error:
            errors.append(RowError(line, name, str(error)))
            return None
        except ValidationError as error:
            errors.extend(RowError(line, name, message) for _, message in error_text(error))
            return None
        if name == "occurred_at" and not text:
            errors.append(RowError(line, name, "The time of the event is missing."))
        return value

    for line, values in stream(table, progress, "Checking events"):
        if len(values) < width:
            values = values + padding[len(values) :]
        texts = list(map(str.strip, cells_of(values)))
        (
            number,
            kind,
            occurred_text,
            ended_text,
            revenue_text,
            cost_text,
            reference,
            condition,
            store,
            status,
            notes,
            due_text,
        ) = texts
        count += 1
        if len(values) > width:
            error = row_width_error(line, values, header)
            if error:
                errors.append(error)
                continue
        before = len(errors)
        if not number:
            errors.append(RowError(line, "article_number", "The article number is missing."))
        else:
            try:
                number = cells.identifier(number, what="The article number")
            except ValueError as error:
                errors.append(RowError(line, "article_number", str(error)))
                number = ""  # names no article: not looked up
        if store:
            try:
                store = cells.identifier(store, what="The store name")
            except ValueError as error:
                errors.append(RowError(line, "store", str(error)))
        kind = kind.lower()
        if not kind:
            errors.append(RowError(line, "kind", "The kind of event is missing."))
        elif kind not in known_kinds:
            errors.append(
                RowError(
                    line, "kind", f"{kind!r} is not an event kind; use one of {', '.join(kinds)}."
                )
            )
        occurred_at = past.get(occurred_text) or moment(line, "occurred_at", occurred_text)
        ended_at = (
            (past.get(ended_text) or moment(line, "ended_at", ended_text)) if ended_text else None
        )
        due_at = moment(line, "due_at", due_text) if due_text else None
        money = []
        for name, text in (("revenue", revenue_text), ("cost", cost_text)):
            try:
                money.append(cells.money(text, negative=True))
            except ValueError as error:
                errors.append(RowError(line, name, str(error)))
                money.append(None)
        condition = condition.lower()
        if condition and condition not in known_conditions:
            errors.append(
                RowError(
                    line,
                    "condition",
                    f"{condition!r} is not a condition; use one of {', '.join(conditions)}.",
                )
            )
        status = status.lower()
        if status and status not in known_statuses:
            errors.append(
                RowError(
                    line, "status", f"{status!r} is not a status; use one of {', '.join(statuses)}."
                )
            )
        for name, index, limit in bounded:
            too_long = length_error(line, name, texts[index], limit)
            if too_long:
                errors.append(too_long)
        if occurred_at is not None:
            try:
                rules.check_times(occurred_at, ended_at)
                rules.check_due(occurred_at, due_at)
            except ValidationError as error:
                for name, message in error_text(error):
                    errors.append(RowError(line, name or "ended_at", message))
        if len(errors) > before:
            # The row is not applied, but its article must still exist.
            if number:
                unapplied[number.lower()].append(line)
                originals.setdefault(number.lower(), number)
            continue
        if store:
            stores.add(store)
        reference = interned.setdefault(reference, reference)
        key = number.lower()
        if key not in originals:
            originals[key] = number
        groups[key].append(
            (
                line,
                kind,
                occurred_at,
                ended_at,
                money[0],
                money[1],
                reference,
                condition,
                store,
                status,
                notes,
                due_at,
            )
        )
    groups.update((number, []) for number in unapplied if number not in groups)
    return EventRows(
        groups=groups,
        originals=originals,
        unapplied=unapplied,
        store_names=stores,
        count=count,
    )
