"""The replay of ``events.csv``: every row applied in memory, per article in time order.

Inside the import's transaction the affected articles are locked and their state
loaded in bulk (their usages, open downtimes and the keys of their events). Each
row then goes through the checks of ``articles.rules`` that the services make one
row at a time, so a row the web forms would refuse is refused here with the same
message, and changes its article by its kind's effect in ``articles.kinds``, the
one the services write. With no error, ``writing.replay_write`` stores the outcome.
"""

import datetime as dt
from dataclasses import replace

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

from articles import rules
from articles.kinds import (
    KINDS,
    SERVICE_KINDS,
    USAGE_KINDS,
    EventFacts,
    service_takes_out_of_use,
)
from articles.models import DISPOSED_STATUSES, Article, Event, EventKind, Status, Store
from interchange.tabular import RowError

from .bulk import by_lower, chunks
from .results import ActingUser, ImportResult, Progress, error_text, recording_user
from .state import (
    P_CONDITION,
    P_COST,
    P_END,
    P_NOTES,
    P_REVENUE,
    R_AT,
    R_CONDITION,
    R_COST,
    R_END,
    R_KIND,
    R_LINE,
    R_NOTES,
    R_REFERENCE,
    R_REVENUE,
    R_STATUS,
    R_STORE,
    ArticleReplay,
    Closing,
    Downtime,
    EventRows,
    Pending,
    Row,
    Usage,
)
from .writing import replay_write


class Replay:
    """Apply the rows read from an events file in memory, then write them."""

    def __init__(
        self,
        rows: EventRows,
        errors: list[RowError],
        result: ImportResult,
        *,
        acting_user: ActingUser,
        progress: Progress,
    ) -> None:
        self.groups = rows.groups
        self.originals = rows.originals
        self.unapplied = rows.unapplied
        self.store_names = rows.store_names
        self.row_count = rows.count
        self.errors = errors
        self.result = result
        self.recorded_by = recording_user(acting_user)
        self.progress = progress
        self.closings: dict[int, Closing] = {}
        self.states: dict[int, ArticleReplay] = {}
        self.stores: dict[str, Store] = {}

    # -- loading --

    def run(self) -> None:
        articles = self._load_articles()
        for number, rows in self.groups.items():
            if number not in articles:
                lines = [row[R_LINE] for row in rows] + self.unapplied.get(number, [])
                for line in lines:
                    self.errors.append(
                        RowError(
                            line,
                            "article_number",
                            f"There is no article {self.originals[number]}; add it "
                            "with articles.csv first.",
                        )
                    )
        self.stores = self._stores()
        bar = self.progress(
            total=self.row_count, desc="Applying events", unit="rows", unit_scale=True
        )
        # A few hundred articles at a time: their events are loaded, their rows
        # applied, and then only what is to be written is kept, so memory holds
        # the file's rows and not the ledger of every article too.
        known = [number for number in self.groups if number in articles]
        for chunk in chunks(known):
            self._load_events([articles[number].article.pk for number in chunk])
            for number in chunk:
                state = articles[number]
                rows = self.groups.pop(number)
                rows.sort(key=lambda row: (row[R_AT], row[R_LINE]))
                for row in rows:
                    self._apply(state, row)
                bar.update(len(rows))
                state.release()
        bar.close()
        if not self.errors:
            replay_write(
                states=[state for state in self.states.values() if state.changed],
                closings=self.closings,
                recorded_by=self.recorded_by,
                progress=self.progress,
            )

    def _load_articles(self) -> dict[str, ArticleReplay]:
        states = {}
        for chunk in chunks(sorted(self.groups)):
            queryset = (
                Article.objects.select_for_update(of=("self",))
                .annotate(_key=Lower("number"))
                .filter(_key__in=chunk)
                .only("number", "status", "allocation", "condition", "store_id", "disposed_at")
            )
            for article in queryset:
                state = ArticleReplay(article)
                states[article.number.lower()] = state
                self.states[article.pk] = state
        return states

    def _stores(self) -> dict[str, Store]:
        stores = by_lower(Store, "name", {name.lower() for name in self.store_names})
        missing = {}
        for name in self.store_names:
            if name.lower() not in stores and name.lower() not in missing:
                missing[name.lower()] = Store(name=name)
        if missing:
            # Created inside the import's transaction: gone again if it is refused.
            Store.objects.bulk_create(missing.values())
            stores.update(by_lower(Store, "name", set(missing)))
        return stores

    def _load_events(self, ids: list[int]) -> None:
        for chunk in chunks(ids):
            rows = (
                Event.objects.filter(article_id__in=chunk)
                .order_by()
                .values_list(
                    "article_id",
                    "pk",
                    "kind",
                    "occurred_at",
                    "ended_at",
                    "reference",
                    "downtime",
                    "status",
                    "condition",
                )
            )
            for (
                article_id,
                pk,
                kind,
                occurred_at,
                ended_at,
                reference,
                downtime,
                status,
                condition,
            ) in rows:
                state = self.states[article_id]
                key = (kind, occurred_at, reference)
                if kind in USAGE_KINDS:
                    usage = Usage(kind, occurred_at, ended_at, reference, pk)
                    state.add_usage(usage)
                    state.keys[key] = usage if ended_at is None else True
                elif kind in SERVICE_KINDS and downtime and ended_at is None:
                    downtime_entry = Downtime(status, condition, pk)
                    state.downtimes.append(downtime_entry)
                    state.keys[key] = downtime_entry
                else:
                    state.keys[key] = True
                if kind == EventKind.ACQUISITION:
                    state.has_acquisition = True

    # -- applying one row --

    def _fail(self, row: Row, column: str, error: ValidationError) -> None:
        for name, message in error_text(error):
            self.errors.append(RowError(row[R_LINE], name or column, message))

    def _apply(self, state: ArticleReplay, row: Row) -> None:
        kind = row[R_KIND]
        if kind == EventKind.ACQUISITION and state.has_acquisition:
            self.result.skipped += 1
            return
        existing = state.keys.get((kind, row[R_AT], row[R_REFERENCE]))
        if existing is not None:
            if row[R_END] is not None and isinstance(existing, Usage | Downtime):
                self._close(state, row, existing)
            else:
                self.result.skipped += 1
            return
        try:
            rules.check_event_row(
                kind=kind,
                ended_at=row[R_END],
                revenue=row[R_REVENUE],
                cost=row[R_COST],
                condition=row[R_CONDITION],
                store=row[R_STORE],
                status=row[R_STATUS],
            )
        except ValidationError as error:
            column = "revenue" if row[R_REVENUE] else "cost"
            self._fail(row, column, error)
            return
        spec = KINDS[kind]
        try:
            if spec.usage:
                self._usage(state, row)
            elif spec.service:
                self._service(state, row)
            elif spec.disposes_to is not None:
                self._check_status(state, row, spec.disposes_to, doing=rules.kind_label(kind))
                self._add(state, row)
            elif kind == EventKind.STATUS_CHANGE:
                self._check_status(state, row, row[R_STATUS], doing="status change")
                self._add(state, row, status=row[R_STATUS])
            elif kind == EventKind.TRANSFER:
                self._transfer(state, row)
            elif kind == EventKind.NOTE:
                self._add(state, row, notes=row[R_NOTES] or "(no text)")
            else:  # an inspection, or money: the row as it is
                self._add(state, row, condition=row[R_CONDITION])
        except ValidationError as error:
            self._fail(row, self._column_for(kind), error)

    @staticmethod
    def _column_for(kind: str) -> str:
        if kind == EventKind.STATUS_CHANGE:
            return "status"
        if kind == EventKind.TRANSFER:
            return "store"
        return "kind"

    def _add(
        self,
        state: ArticleReplay,
        row: Row,
        *,
        ended_at: dt.datetime | None = None,
        downtime: bool = False,
        condition: str = "",
        store_id: int | None = None,
        status: str = "",
        notes: str | None = None,
    ) -> Pending:
        """Keep the row as an event to write, with these fields, and change its
        article by its kind's effect over them, as the services' ``record`` does."""
        kind, occurred_at, reference = row[R_KIND], row[R_AT], row[R_REFERENCE]
        pending = [
            kind,
            occurred_at,
            ended_at,
            downtime,
            row[R_REVENUE],
            row[R_COST],
            reference,
            condition,
            store_id,
            status,
            row[R_NOTES] if notes is None else notes,
        ]
        state.pending.append(pending)
        state.keys[(kind, occurred_at, reference)] = True
        state.article_state = KINDS[kind].effect(
            state.article_state,
            EventFacts(
                occurred_at=occurred_at,
                ended_at=ended_at,
                downtime=downtime,
                condition=condition,
                store_id=store_id,
                status=status,
            ),
        )
        state.changed = True
        self.result.added += 1
        return pending

    def _usage(self, state: ArticleReplay, row: Row) -> None:
        start, end = row[R_AT], row[R_END]
        try:
            rules.check_usage_start(
                number=state.number,
                kind=row[R_KIND],
                status=state.article_state.status,
                allocation=state.allocation,
            )
        except ValidationError as error:
            self._fail(row, "kind", error)
            return
        try:
            rules.refuse_overlap(
                state.number, rules.usage_conflict(state.candidates(start, end), start, end)
            )
        except ValidationError as error:
            self._fail(row, "occurred_at", error)
            return
        # Its grade is recorded only with its end, as ``usage_start`` records it.
        condition = row[R_CONDITION] if end else ""
        pending = self._add(state, row, ended_at=end, condition=condition)
        usage = Usage(row[R_KIND], start, end, row[R_REFERENCE], pending)
        state.add_usage(usage)
        if end is None:
            state.keys[(row[R_KIND], start, row[R_REFERENCE])] = usage

    def _service(self, state: ArticleReplay, row: Row) -> None:
        """Service work, as ``service_record`` records a row of ``event_record``."""
        end = row[R_END]
        downtime = row[R_STATUS] == Status.OUT_OF_USE or end is not None
        status_before = state.article_state.status
        takes = service_takes_out_of_use(
            status=status_before,
            downtime=downtime,
            ended_at=end,
            joins_open_downtime=downtime
            and end is None
            and status_before == Status.OUT_OF_USE
            and any(d.status == Status.OUT_OF_USE for d in state.downtimes),
        )
        status = Status.OUT_OF_USE if takes else ""
        condition = row[R_CONDITION]
        pending = self._add(
            state, row, ended_at=end, downtime=downtime, condition=condition, status=status
        )
        if downtime and end is None:
            entry = Downtime(status, condition, pending)
            state.downtimes.append(entry)
            state.keys[(row[R_KIND], row[R_AT], row[R_REFERENCE])] = entry

    def _transfer(self, state: ArticleReplay, row: Row) -> None:
        store = self.stores[row[R_STORE].lower()]
        rules.check_transfer(
            number=state.number,
            status=state.article_state.status,
            store_id=state.article_state.store_id,
            target_store_id=store.pk,
            target_name=str(store),
        )
        self._add(state, row, store_id=store.pk)

    def _check_status(self, state: ArticleReplay, row: Row, target: str, *, doing: str) -> None:
        """May the article become ``target`` at the row's moment? A disposal also ends
        the open usage it takes over, before its own effect, as the services do."""
        moment = row[R_AT]
        before = state.article_state
        rules.check_transition(number=state.number, status=before.status, target=target)
        if target in DISPOSED_STATUSES:
            running = rules.check_disposal(
                number=state.number,
                usages=state.later_or_running(moment),
                occurred_at=moment,
                target=target,
                doing=doing,
            )
            if running is not None:
                self._end_usage(
                    state, running, Closing(ended_at=moment, notes=f"Ended by {doing}.")
                )
        elif before.status == Status.LOST:
            rules.check_found(
                number=state.number, disposed_at=before.disposed_at, occurred_at=moment
            )

    # -- closing what is open --

    def _close(self, state: ArticleReplay, row: Row, existing: Usage | Downtime) -> None:
        end = Closing(
            ended_at=row[R_END],
            revenue=row[R_REVENUE],
            cost=row[R_COST],
            condition=row[R_CONDITION],
            notes=row[R_NOTES],
        )
        try:
            if isinstance(existing, Usage):
                self._end_usage(state, existing, end)
            else:
                self._end_downtime(state, row, existing, end)
        except ValidationError as error:
            self._fail(row, "ended_at", error)
            return
        self.result.updated += 1

    def _set_end(self, target: int | Pending, end: Closing) -> None:
        """Give an open usage or downtime its end, as ``close_usage`` and ``service_end``
        do: an event of the file at once, one in the database through the writer (it is
        closed once: its key then names an event that can no longer change)."""
        if isinstance(target, int):
            self.closings[target] = end
            return
        target[P_END] = end.ended_at
        if end.revenue is not None:
            target[P_REVENUE] = end.revenue
        if end.cost is not None:
            target[P_COST] = end.cost
        if end.condition:
            target[P_CONDITION] = end.condition
        if end.notes:
            target[P_NOTES] = f"{target[P_NOTES] or ''}\n{end.notes}".strip()

    def _end_usage(self, state: ArticleReplay, usage: Usage, end: Closing) -> None:
        """The return (``close_usage``): the grade given with it becomes the condition."""
        rules.check_times(usage.occurred_at, end.ended_at)
        self._set_end(usage.target, end)
        usage.ended_at = end.ended_at
        state.keys[(usage.kind, usage.occurred_at, usage.reference)] = True
        state.article_state = KINDS[usage.kind].ended(
            state.article_state,
            EventFacts(
                occurred_at=usage.occurred_at, ended_at=end.ended_at, condition=end.condition
            ),
            still_down=False,
        )
        state.changed = True

    def _end_downtime(self, state: ArticleReplay, row: Row, entry: Downtime, end: Closing) -> None:
        """The end of a downtime (``service_end``): its grade, given now or when it was
        opened, becomes the condition, and an article it took out of use returns to
        active unless another open downtime still holds it."""
        kind, start = row[R_KIND], row[R_AT]
        rules.check_times(start, end.ended_at)
        if end.revenue and "revenue" not in KINDS[kind].money.fields:
            raise ValidationError({"revenue": f"{rules.a_kind(kind)} takes no revenue."})
        self._set_end(entry.target, replace(end, revenue=None))
        state.downtimes.remove(entry)
        state.keys[(kind, start, row[R_REFERENCE])] = True
        state.article_state = KINDS[kind].ended(
            state.article_state,
            EventFacts(
                occurred_at=start,
                ended_at=end.ended_at,
                downtime=True,
                condition=end.condition or entry.condition,
                status=entry.status,
            ),
            still_down=any(d.status == Status.OUT_OF_USE for d in state.downtimes),
        )
        state.changed = True
