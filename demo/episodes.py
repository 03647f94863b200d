"""The episodes of a demo article's life besides its rentals: after-care, moves at
the change of season, subscriptions, disposals, a loss and the downtime left open.

Each is recorded through ``articles.services``, as staff would record it.
"""

import datetime as dt
import random
from collections import Counter
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser

from articles import services
from articles.models import Allocation, Article, Condition, EventKind, Status, Store

from .catalogue import CENTRE, CONDITIONS, DAY, HOUR, REPAIRS, SEEFELD, Line


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return services.start_of_day(day) + dt.timedelta(hours=hour, minutes=minute)


class Episodes:
    """What the demo's builder shares (its random numbers, its day, its login) and the
    episodes it records."""

    def __init__(self, *, seed: int, today: dt.date, user: AbstractBaseUser) -> None:
        self.rng = random.Random(seed)
        self.today = today
        self.horizon = services.start_of_day(today)  # everything happens before today
        self.user = user
        self.stores: dict[str, Store] = {}
        self.references: Counter[str] = Counter()
        self.shown: Counter[str] = Counter()

    def first(self, what: str) -> bool:
        """True the first time it is asked about ``what``, so a small fleet shows it too."""
        self.shown[what] += 1
        return self.shown[what] == 1

    def reference(self, prefix: str, moment: dt.datetime) -> str:
        self.references[prefix] += 1
        return f"{prefix}-{moment:%y}{self.references[prefix]:05d}"

    def after_rental(
        self, article: Article, line: Line, end: dt.datetime, reference: str
    ) -> dt.datetime:
        """Cleaning, repairs, damage fees and spare parts after a return."""
        rng, user = self.rng, self.user
        roll = rng.random()
        # The first returns of the fleet show each kind of after-care at least once.
        for forced_roll, kind in [(0.03, "cleaning"), (0.07, "repair"), (0.1, "income")]:
            if self.first(kind):
                roll = forced_roll
                break
        else:
            if self.first("expense"):
                roll = 0.12
        if roll < 0.06:
            services.service_record(
                article=article,
                kind=EventKind.CLEANING,
                occurred_at=end + HOUR,
                cost=Decimal("12.00"),
                acting_user=user,
            )
            return end + 2 * HOUR
        if roll < 0.09 and end + 5 * DAY < self.horizon:
            down = end + HOUR + dt.timedelta(days=rng.randint(1, 4))
            services.service_record(
                article=article,
                kind=EventKind.REPAIR,
                occurred_at=end + HOUR,
                ended_at=down,
                cost=Decimal(rng.randint(35, 280)),
                reference=self.reference("WO", end),
                notes=rng.choice(REPAIRS[line.specifications["category"]]),
                acting_user=user,
            )
            return down + HOUR
        if roll < 0.11:
            services.money_record(
                article=article,
                kind=EventKind.INCOME,
                revenue=Decimal(rng.choice([40, 60, 90, 150])),
                occurred_at=end + HOUR,
                reference=reference,
                notes="Damage fee charged to the customer.",
                acting_user=user,
            )
        elif roll < 0.125:
            services.money_record(
                article=article,
                kind=EventKind.EXPENSE,
                cost=Decimal(rng.choice([19, 35, 64])),
                occurred_at=end + HOUR,
                notes="Spare part.",
                acting_user=user,
            )
        elif roll < 0.13:
            services.money_record(
                article=article,
                kind=EventKind.ADJUSTMENT,
                cost=Decimal("15.00"),
                occurred_at=end + HOUR,
                reference=reference,
                notes="Goodwill refund for a late pick-up.",
                acting_user=user,
            )
        elif roll < 0.135:
            services.note_record(
                article=article,
                occurred_at=end + HOUR,
                notes="Customer asked to buy it; offered the end-of-season sale.",
                acting_user=user,
            )
        return end + HOUR

    def season_start(
        self,
        article: Article,
        line: Line,
        store: Store,
        moment: dt.datetime,
        first: bool,
        condition: int,
    ) -> tuple[Store, dt.datetime]:
        """Seasonal transfer (skis go up to Seefeld), the season's service and a check."""
        rng, user = self.rng, self.user
        if (
            line.season == "winter"
            and len(line.stores) > 1
            and (rng.random() < 0.3 or self.first("transfer"))
        ):
            target = self.stores[SEEFELD] if store.name != SEEFELD else self.stores[CENTRE]
            services.article_transfer(
                article=article,
                store=target,
                occurred_at=moment,
                cost=Decimal("8.00"),
                reference=self.reference("TR", moment),
                acting_user=user,
            )
            store = target
            moment += 2 * HOUR
        if first or moment + 2 * DAY >= self.horizon:
            return store, moment
        service_end = moment + DAY
        services.service_record(
            article=article,
            kind=EventKind.MAINTENANCE,
            occurred_at=moment,
            ended_at=service_end,
            cost=Decimal(rng.choice([45, 55, 65, 89])),
            reference=self.reference("WO", moment),
            notes="Season service." if line.season != "winter" else "Edges and wax.",
            acting_user=user,
        )
        services.inspection_record(
            article=article,
            condition=CONDITIONS[condition],
            occurred_at=service_end + HOUR,
            acting_user=user,
        )
        return store, service_end + 2 * HOUR

    def subscription(self, article: Article, line: Line, moment: dt.datetime) -> dt.datetime | None:
        """Monthly subscription usages; the current month stays open. ``None``: still running."""
        rate = line.subscription_rate
        if rate is None:
            raise ValueError(f"{line.code} is not offered on subscription.")
        rng = self.rng
        start = at(moment.date() + DAY, 10)
        if start >= self.horizon:
            return moment
        contract = self.reference("SUB", start)
        for month in range(rng.randint(3, 9)):
            end = start + dt.timedelta(days=30)
            services.usage_start(
                article=article,
                kind=EventKind.SUBSCRIPTION,
                started_at=start,
                ended_at=end if end < self.horizon else None,
                revenue=rate,
                reference=f"{contract}/{month + 1:02d}",
                acting_user=self.user,
            )
            if end >= self.horizon:
                return None
            start = end
        services.service_record(
            article=article,
            kind=EventKind.CLEANING,
            occurred_at=start + HOUR,
            cost=Decimal("25.00"),
            notes="Back from subscription.",
            acting_user=self.user,
        )
        return start + 2 * HOUR

    def dispose(
        self, article: Article, line: Line, kind: str, moment: dt.datetime, condition: int
    ) -> None:
        rng, user = self.rng, self.user
        if kind == "sell":
            services.inspection_record(
                article=article,
                condition=CONDITIONS[max(condition, 1)],
                occurred_at=moment,
                notes="Check before the ex-rental sale.",
                acting_user=user,
            )
            services.article_sell(
                article=article,
                price=(line.price * Decimal(rng.choice(["0.45", "0.5", "0.55"]))).quantize(
                    Decimal("1")
                ),
                occurred_at=moment + HOUR,
                reference=self.reference("INV", moment),
                notes="Ex-rental sale.",
                acting_user=user,
            )
            return
        services.service_record(
            article=article,
            kind=EventKind.REPAIR,
            occurred_at=moment,
            cost=Decimal("40.00"),
            condition=Condition.POOR,
            notes="Frame crack found; not worth repairing.",
            acting_user=user,
        )
        services.article_retire(
            article=article,
            occurred_at=moment + 3 * HOUR,
            cost=Decimal("20.00"),
            notes="Scrapped: frame crack.",
            acting_user=user,
        )

    def lose_on_rental(self, article: Article, line: Line, start: dt.datetime) -> None:
        """Stolen while out on a rental: the loss ends the rental; insurance pays part."""
        services.usage_start(
            article=article,
            started_at=start,
            revenue=line.day_rate * 2,
            reference=self.reference("R", start),
            acting_user=self.user,
        )
        services.article_report_lost(
            article=article,
            occurred_at=start + dt.timedelta(days=1, hours=5),
            revenue=(line.price * Decimal("0.6")).quantize(Decimal("1")),
            reference="CLAIM-7781",
            notes="Stolen from outside a hut; police report filed, insurance paid 60 %.",
            acting_user=self.user,
        )

    def open_downtime(self) -> None:
        """One article is in the workshop right now."""
        article = (
            Article.objects.filter(status=Status.ACTIVE, allocation=Allocation.RENTAL)
            .in_stock(at=self.horizon)
            .exclude(events__occurred_at__gte=self.horizon - 3 * DAY)
            .order_by("number")
            .first()
        )
        if article is None:
            return
        moment = self.horizon - dt.timedelta(days=2, hours=14)
        services.service_record(
            article=article,
            kind=EventKind.REPAIR,
            occurred_at=moment,
            downtime=True,
            due_at=moment + DAY,  # promised for the next day: overdue now
            reference=self.reference("WO", moment),
            notes="Waiting for a spare part.",
            acting_user=self.user,
        )
