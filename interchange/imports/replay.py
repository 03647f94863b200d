"""The replay of ``events.csv``: every row applied in memory, per article in time order.

Inside the import's transaction the affected articles are locked and their state
loaded in bulk (their usages, open downtimes and the keys of their events). Each
row then goes through the checks of ``articles.rules`` that the services make one
row at a time, so a row the web forms would refuse is refused here with the same
message, and changes its article by its kind's effect in ``articles.kinds``, the
one the services write. With no error, ``writing.replay_write`` stores the outcome.

The ledger is append-only: a row that closes an open usage or downtime gives it its
end and grade and nothing else; the money and notes the closing row gives are kept
as events of their own, as the services keep them at a return.
"""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

from articles import rules
from articles.fields import MONEY_LIMIT
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
    P_CLOSED,
    P_CONDITION,
    P_END,
    R_AT,
    R_CONDITION,
    R_COST,
    R_DUE,
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

ZERO = Decimal("0")


class Replay:
    """Apply the rows read from an events file in memory, then write them."""

    def __init__(
        self,
        rows: EventRows,
        errors: list[RowError],
        result: ImportResult,
        *,
        acting_user: ActingUser,
        source: str,
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
        self.source = source
        self.progress = progress
        self.closings: dict[int, Closing] = {}
        self.states: dict[int, ArticleReplay] = {}
        self.stores: dict[str, Store] = {}
        self.row_verdicts: dict[tuple[object, ...], ValidationError | None] = {}

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
                source=self.source,
                progress=self.progress,
            )

    def _load_articles(self) -> dict[str, ArticleReplay]:
        states = {}
        for chunk in chunks(sorted(self.groups)):
            queryset = (
                Article.objects.select_for_update(of=("self",))
                .annotate(_key=Lower("number"))
                .filter(_key__in=chunk)
                .only(
                    "number",
                    "status",
                    "allocation",
                    "condition",
                    "store_id",
                    "disposed_at",
                    "total_revenue",
                    "total_expenses",
                    "total_sale_proceeds",
                )
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
                    "revenue",
                    "cost",
                    "due_at",
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
                revenue,
                cost,
                due_at,
            ) in rows:
                state = self.states[article_id]
                key = (kind, occurred_at, reference)
                if kind in USAGE_KINDS:
                    usage = Usage(
                        kind,
                        occurred_at,
                        ended_at,
                        reference,
                        pk,
                        condition=condition,
                        revenue=revenue,
                        cost=cost,
                        due_at=due_at,
                    )
                    state.add_usage(usage)
                    state.keys[key] = usage if ended_at is None else True
                elif kind in SERVICE_KINDS and downtime and ended_at is None:
                    downtime_entry = Downtime(status, condition, pk, cost=cost, due_at=due_at)
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
        closes = row[R_END] is not None and isinstance(existing, Usage | Downtime)
        if existing is not None and not closes:
            self.result.skipped += 1
            return
        refusal = self._row_refusal(row)
        if refusal is not None:
            column = "revenue" if row[R_REVENUE] else "cost"
            self._fail(row, column, refusal)
            return
        if isinstance(existing, Usage | Downtime):
            self._close(state, row, existing)
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

    def _row_refusal(self, row: Row) -> ValidationError | None:
        """What ``rules.check_event_row`` refuses in the row, if anything.

        It judges a row by its kind, which fields it fills, the sign of its amounts
        and its status, never by their values otherwise; so its verdict is kept per
        such shape, and a file of a million rows has a few dozen shapes.
        """
        revenue, cost = row[R_REVENUE], row[R_COST]
        shape = (
            row[R_KIND],
            row[R_END] is not None,
            0 if not revenue else 1 if revenue > 0 else -1,
            0 if not cost else 1 if cost > 0 else -1,
            bool(row[R_CONDITION]),
            bool(row[R_STORE]),
            row[R_STATUS],
            row[R_DUE] is not None,
        )
        if shape in self.row_verdicts:
            return self.row_verdicts[shape]
        try:
            rules.check_event_row(
                kind=row[R_KIND],
                ended_at=row[R_END],
                revenue=revenue,
                cost=cost,
                condition=row[R_CONDITION],
                store=row[R_STORE],
                status=row[R_STATUS],
                due_at=row[R_DUE],
            )
            verdict = None
        except ValidationError as error:
            verdict = error
        self.row_verdicts[shape] = verdict
        return verdict

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
        """Keep the row as an event to write, with these fields."""
        pending = self._record(
            state,
            row[R_KIND],
            row[R_AT],
            row[R_REFERENCE],
            revenue=row[R_REVENUE],
            cost=row[R_COST],
            ended_at=ended_at,
            downtime=downtime,
            condition=condition,
            store_id=store_id,
            status=status,
            notes=row[R_NOTES] if notes is None else notes,
            due_at=row[R_DUE],
        )
        self.result.added += 1
        return pending

    def _record(
        self,
        state: ArticleReplay,
        kind: str,
        occurred_at: dt.datetime,
        reference: str,
        *,
        revenue: Decimal | None = None,
        cost: Decimal | None = None,
        ended_at: dt.datetime | None = None,
        downtime: bool = False,
        condition: str = "",
        store_id: int | None = None,
        status: str = "",
        notes: str = "",
        due_at: dt.datetime | None = None,
    ) -> Pending:
        """Keep an event to write, and change its article by its kind's effect over
        it, as the services' ``record`` does."""
        self._check_totals(state, kind, revenue=revenue, cost=cost)
        pending = [
            kind,
            occurred_at,
            ended_at,
            downtime,
            revenue,
            cost,
            reference,
            condition,
            store_id,
            status,
            notes,
            due_at,
            False,
        ]
        state.pending.append(pending)
        state.keys[(kind, occurred_at, reference)] = True
        if KINDS[kind].proceeds:
            state.total_sale_proceeds += revenue or ZERO
        else:
            state.total_revenue += revenue or ZERO
        state.total_expenses += cost or ZERO
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
        return pending

    @staticmethod
    def _check_totals(
        state: ArticleReplay, kind: str, *, revenue: Decimal | None, cost: Decimal | None
    ) -> None:
        """The article's stored totals can hold ``revenue`` and ``cost`` on top of the
        rows before; refused on the column whose total would overflow."""
        largest = max(
            abs(state.total_revenue), abs(state.total_expenses), abs(state.total_sale_proceeds)
        )
        if largest + abs(revenue or ZERO) + abs(cost or ZERO) < MONEY_LIMIT:
            return  # no total can reach the limit: nothing for the rule to refuse
        for field, amounts in (("revenue", (revenue, None)), ("cost", (None, cost))):
            try:
                rules.check_totals_fit(
                    number=state.number,
                    kind=kind,
                    total_revenue=state.total_revenue,
                    total_expenses=state.total_expenses,
                    total_sale_proceeds=state.total_sale_proceeds,
                    revenue=amounts[0] or ZERO,
                    cost=amounts[1] or ZERO,
                )
            except ValidationError as error:
                raise ValidationError({field: error.messages}) from None

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
        # An open usage keeps the grade it went out in; it grades the article when it ends.
        condition = row[R_CONDITION]
        pending = self._add(state, row, ended_at=end, condition=condition)
        usage = Usage(
            row[R_KIND],
            start,
            end,
            row[R_REFERENCE],
            pending,
            condition=condition,
            revenue=row[R_REVENUE] or ZERO,
            cost=row[R_COST] or ZERO,
            due_at=row[R_DUE],
        )
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
            entry = Downtime(
                status, condition, pending, cost=row[R_COST] or ZERO, due_at=row[R_DUE]
            )
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
                # As ``close_usage``: the grade it went out in counts; the disposal that
                # follows at the same moment says why it ended.
                self._end_usage(
                    state, running, ended_at=moment, condition="", grade=running.condition
                )
        elif before.status == Status.LOST:
            rules.check_found(
                number=state.number, disposed_at=before.disposed_at, occurred_at=moment
            )

    # -- closing what is open --

    def _close(self, state: ArticleReplay, row: Row, existing: Usage | Downtime) -> None:
        """A row that closes an open usage or downtime: it gets its end and grade;
        money that differs from what it recorded, and the row's notes, become events
        with its reference at its end."""
        kind, start, end, reference = row[R_KIND], row[R_AT], row[R_END], row[R_REFERENCE]
        recorded_revenue = existing.revenue if isinstance(existing, Usage) else ZERO
        at_close = rules.money_at_close(
            recorded_revenue=recorded_revenue,
            recorded_cost=existing.cost,
            revenue=row[R_REVENUE],
            cost=row[R_COST],
        )
        try:
            if row[R_DUE] is not None and row[R_DUE] != existing.due_at:
                recorded = (
                    f"due {rules.format_moment(existing.due_at)}"
                    if existing.due_at
                    else "no due date"
                )
                raise ValidationError(
                    {
                        "due_at": f"The {rules.kind_label(kind)}"
                        f"{f' ({reference})' if reference else ''} open since "
                        f"{rules.format_moment(start)} was recorded with {recorded}; a row "
                        "that closes it cannot change that."
                    }
                )
            self._check_totals(
                state,
                EventKind.ADJUSTMENT,
                revenue=sum((revenue for _, revenue, _ in at_close), ZERO),
                cost=sum((cost for _, _, cost in at_close), ZERO),
            )
            if isinstance(existing, Usage):
                self._end_usage(
                    state,
                    existing,
                    ended_at=end,
                    condition=row[R_CONDITION],
                    grade=row[R_CONDITION] or existing.condition,
                )
            else:
                self._end_downtime(state, row, existing)
        except ValidationError as error:
            self._fail(row, "ended_at", error)
            return
        for money_kind, revenue, cost in at_close:
            field = "revenue" if revenue else "cost"
            self._record(
                state,
                money_kind,
                end,
                reference,
                revenue=revenue,
                cost=cost,
                notes=rules.at_close_note(
                    field=field,
                    kind=kind,
                    reference=reference,
                    given=row[R_REVENUE] if revenue else row[R_COST],
                    recorded=recorded_revenue if revenue else existing.cost,
                ),
            )
        if row[R_NOTES]:
            self._record(state, EventKind.NOTE, end, reference, notes=row[R_NOTES])
        self.result.updated += 1

    def _set_end(self, target: int | Pending, *, ended_at: dt.datetime, condition: str) -> None:
        """Give an open usage or downtime its end and grade, once: an event of the file
        at once, one in the database through the writer (its key then names an event
        that can no longer change)."""
        if isinstance(target, int):
            self.closings[target] = Closing(ended_at=ended_at, condition=condition)
            return
        target[P_END] = ended_at
        if condition:
            target[P_CONDITION] = condition
        target[P_CLOSED] = True

    def _end_usage(
        self,
        state: ArticleReplay,
        usage: Usage,
        *,
        ended_at: dt.datetime,
        condition: str,
        grade: str,
    ) -> None:
        """The end of a usage (``close_usage``): ``condition`` is filled in on the event
        when given, and ``grade`` becomes the article's condition: at a return, the
        grade it came back in, given now or else the one it went out in."""
        rules.check_times(usage.occurred_at, ended_at)
        self._set_end(usage.target, ended_at=ended_at, condition=condition)
        usage.ended_at = ended_at
        state.keys[(usage.kind, usage.occurred_at, usage.reference)] = True
        state.article_state = KINDS[usage.kind].ended(
            state.article_state,
            EventFacts(occurred_at=usage.occurred_at, ended_at=ended_at, condition=grade),
            still_down=False,
        )
        state.changed = True

    def _end_downtime(self, state: ArticleReplay, row: Row, entry: Downtime) -> None:
        """The end of a downtime (``service_end``): its grade, given now or when it was
        opened, becomes the condition, and an article it took out of use returns to
        active unless another open downtime still holds it."""
        kind, start, end = row[R_KIND], row[R_AT], row[R_END]
        rules.check_times(start, end)
        self._set_end(entry.target, ended_at=end, condition=row[R_CONDITION])
        state.downtimes.remove(entry)
        state.keys[(kind, start, row[R_REFERENCE])] = True
        state.article_state = KINDS[kind].ended(
            state.article_state,
            EventFacts(
                occurred_at=start,
                ended_at=end,
                downtime=True,
                condition=row[R_CONDITION] or entry.condition,
                status=entry.status,
            ),
            still_down=any(d.status == Status.OUT_OF_USE for d in state.downtimes),
        )
        state.changed = True
