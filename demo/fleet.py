"""A demo fleet: a bike, e-bike, ski and outdoor gear rental business in Tyrol.

Three stores, ten SKUs and a few hundred articles with two years of history up to
today: seasonal rentals (skis in winter, bikes and tents in summer, e-bikes all year),
monthly e-bike subscriptions, service work with and without downtime, inspections,
seasonal transfers, damage fees, sales, retirements, one loss, one article lost and
found again, a few rentals still out and one downtime still open.

Everything is made through ``articles.services`` in time order, exactly as staff
would record it, so the demo obeys the same rules as real data. The same seed and the
same "today" give the same ledger.
"""

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AbstractUser
from django.db import transaction

from articles import services
from articles.models import Allocation, Article, Condition, Event, EventKind, Status
from inventory_site.roles import MANAGER, STAFF, VIEWER, role_group
from skus.models import SKU

from .catalogue import (
    CONDITIONS,
    DAY,
    HOUR,
    LINES,
    STORES,
    Line,
    in_season,
    next_season_day,
    season_key,
)
from .episodes import Episodes, at
from .storefront import demo_catalog_create

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-inventory"
DEFAULT_ARTICLES = 200


@dataclass
class Fate:
    """What ends (or marks) an article's life in the demo."""

    kind: str = ""  # "", "sell", "retire", "lose", "lose_and_find", "recall"
    at: dt.datetime | None = None


@dataclass
class DemoResult:
    stores: int = 0
    skus: int = 0
    articles: int = 0
    events: Counter[str] = field(default_factory=Counter)
    login_created: bool = False
    role_logins: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(self.events.items()))
        return [
            f"{self.stores} stores, {self.skus} SKUs, {self.articles} articles",
            f"{sum(self.events.values())} events: {kinds}",
        ]


class DemoNotAllowed(Exception):
    """These settings forbid the demo fleet and its login with a published password."""


def demo_allowed_check() -> None:
    """Refuse (``DemoNotAllowed``) where settings say ``DEMO_ALLOWED = False``, as the
    production settings do: the demo login is a superuser whose password is published."""
    if not settings.DEMO_ALLOWED:
        raise DemoNotAllowed(
            "The demo is refused under these settings (DEMO_ALLOWED is false, as in "
            "production): its login is a superuser with a published password."
        )


# One demo login per role (``inventory_site.roles``), with the same published password.
DEMO_ROLE_USERNAMES = {VIEWER: "demo-viewer", STAFF: "demo-staff", MANAGER: "demo-manager"}


def demo_role_users_ensure() -> list[str]:
    """Make the missing demo logins of the roles; the usernames made now.

    As with ``demo_user_ensure``, an existing user keeps its password and groups.
    """
    made = []
    for role, username in DEMO_ROLE_USERNAMES.items():
        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.com"}
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(role_group(role))
            made.append(username)
    return made


def demo_user_ensure() -> tuple[AbstractUser, bool]:
    """(the demo login, whether it was created now).

    A new demo login is a superuser with the published password. An existing user of
    that name is used as it is: its password is never reset, so a published password
    cannot come back on a database where someone changed it.
    """
    user, created = get_user_model().objects.get_or_create(
        username=DEMO_USERNAME,
        defaults={
            "is_staff": True,
            "is_superuser": True,
            "email": "demo@example.com",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user, created


class DemoFleet(Episodes):
    """Builds the demo fleet through the services, article by article in time order."""

    def __init__(self, *, seed: int, articles: int, today: dt.date, user: AbstractBaseUser):
        super().__init__(seed=seed, today=today, user=user)
        self.size = articles
        self.start = today - dt.timedelta(days=730)
        self.result = DemoResult()

    # --- the plan -------------------------------------------------------------------

    def plan(self) -> list[tuple[Line, int]]:
        """(line, index within the line) for every article, the counts by weight."""
        total = sum(line.weight for line in LINES)
        counts = [max(1, round(self.size * line.weight / total)) for line in LINES]
        counts[0] += self.size - sum(counts)
        return [
            (line, index)
            for line, count in zip(LINES, counts, strict=True)
            for index in range(count)
        ]

    def build(self, progress: Callable[[Iterable], Iterable] = lambda items: items) -> DemoResult:
        for name, address in STORES.items():
            store = services.store_get_or_create(name=name)
            store.address = address
            store.save(update_fields=["address"])
            self.stores[name] = store
        skus = {}
        for line in LINES:
            sku = SKU(
                code=line.code,
                name=line.name,
                description=f"{line.manufacturer} {line.model}",
                specifications=line.specifications,
                expected_lifetime_days=line.expected_lifetime_days,
            )
            sku.full_clean()
            sku.save()
            skus[line.code] = sku
        plan = self.plan()
        # Special lives, on articles chosen by position so that they exist at any size.
        summer = [i for i, (line, _) in enumerate(plan) if line.season != "winter"]
        specials = {
            summer[len(summer) // 5]: "retire",
            summer[len(summer) // 3]: "lose",
            summer[len(summer) // 2]: "lose_and_find",
            summer[2 * len(summer) // 3]: "recall",
            summer[4 * len(summer) // 5]: "sell",
        }
        for position in progress(range(len(plan))):
            line, index = plan[position]
            self.article(skus[line.code], line, index, special=specials.get(position, ""))
        self.open_downtime()
        demo_catalog_create(skus=skus)
        self.result.stores = len(self.stores)
        self.result.skus = len(skus)
        self.result.articles = Article.objects.count()
        self.result.events = Counter(Event.objects.values_list("kind", flat=True))
        return self.result

    # --- one article's life ---------------------------------------------------------

    def article(self, sku: SKU, line: Line, index: int, *, special: str) -> None:
        rng = self.rng
        second_wave = not special and rng.random() < 0.3
        purchased_on = self.start - dt.timedelta(days=rng.randint(0, 45))
        if second_wave:
            purchased_on += dt.timedelta(days=365)
        sales = not special and rng.random() < line.sales_share
        home = line.stores[index % len(line.stores)]
        specifications = {}
        if line.specifications["category"] in ("bike", "e-bike"):
            specifications["colour"] = rng.choice(["black", "anthracite", "blue", "green", "white"])
        article = services.article_create(
            sku=sku,
            store=self.stores[home],
            purchased_on=purchased_on,
            allocation=Allocation.SALES if sales else Allocation.RENTAL,
            manufacturer=line.manufacturer,
            model=line.model,
            production_year=purchased_on.year - rng.choice([0, 0, 1]),
            serial_number=f"{line.manufacturer[:2].upper()}{rng.randint(1_000_000, 9_999_999)}",
            purchase_price=line.price
            if not sales
            else (line.price * Decimal("0.9")).quantize(Decimal("1")),
            specifications=specifications,
            acquired_at=at(purchased_on, 8),
            acting_user=self.user,
        )
        if sales:
            self.sales_life(article, line, purchased_on)
        else:
            self.rental_life(article, line, purchased_on, special=special)

    def sales_life(self, article: Article, line: Line, purchased_on: dt.date) -> None:
        """A new article for sale: inspected on arrival, sold some day (or still for sale)."""
        rng = self.rng
        services.inspection_record(
            article=article,
            condition=Condition.NEW,
            occurred_at=at(purchased_on + DAY, 9),
            notes="Arrival check.",
            acting_user=self.user,
        )
        sold_at = at(purchased_on + dt.timedelta(days=rng.randint(10, 400)), rng.randint(10, 17))
        if sold_at < self.horizon:
            moment = sold_at
            services.article_sell(
                article=article,
                price=(line.price * Decimal(rng.choice(["1.15", "1.2", "1.25"]))).quantize(
                    Decimal("1")
                ),
                occurred_at=moment,
                reference=self.reference("INV", moment),
                acting_user=self.user,
            )

    def fate(self, purchased_on: dt.date, special: str) -> Fate:
        rng = self.rng
        if special:
            return Fate(special, at(purchased_on + dt.timedelta(days=rng.randint(200, 420)), 12))
        roll = rng.random()
        if roll < 0.06:  # sold off as ex-rental after about a year
            return Fate("sell", at(purchased_on + dt.timedelta(days=rng.randint(330, 420)), 11))
        if roll < 0.09:  # worn out or broken beyond repair
            return Fate("retire", at(purchased_on + dt.timedelta(days=rng.randint(250, 700)), 15))
        if roll < 0.11:  # a recall check takes it out of use for a few days
            return Fate("recall", at(purchased_on + dt.timedelta(days=rng.randint(100, 600)), 9))
        return Fate()

    def rental_life(
        self, article: Article, line: Line, purchased_on: dt.date, *, special: str
    ) -> None:
        rng, user = self.rng, self.user
        fate = self.fate(purchased_on, special)
        condition = 0  # index into CONDITIONS
        free_from = at(purchased_on + DAY, 9)  # the article is free from this moment
        seasons: set[tuple[str, int]] = set()
        store = article.store
        subscription_at = None
        if line.subscription_rate and (rng.random() < 0.35 or self.first("subscription")):
            subscription_at = at(purchased_on + dt.timedelta(days=rng.randint(60, 600)), 10)
        keep_open = rng.random() < 0.06  # a rental running over today stays open

        while True:
            day = next_season_day(line.season, free_from.date())
            moment = max(free_from, at(day, 9))
            if moment >= self.horizon:
                break

            # Fates that happen between rentals.
            if (fate_at := fate.at) is not None and moment >= fate_at:
                if fate.kind == "recall":
                    recall_at = max(fate_at, free_from)
                    services.article_status_change(
                        article=article,
                        status=Status.OUT_OF_USE,
                        occurred_at=recall_at,
                        notes="Manufacturer recall: brake calliper check.",
                        acting_user=user,
                    )
                    back = recall_at + dt.timedelta(days=rng.randint(3, 9))
                    if back >= self.horizon:
                        return
                    services.money_record(
                        article=article,
                        kind=EventKind.EXPENSE,
                        cost=Decimal("18.00"),
                        occurred_at=back - HOUR,
                        notes="Recall kit fitted.",
                        acting_user=user,
                    )
                    services.money_record(
                        article=article,
                        kind=EventKind.ADJUSTMENT,
                        revenue=Decimal("18.00"),
                        occurred_at=back - HOUR,
                        reference="RECALL-2291",
                        notes="The manufacturer refunded the recall kit.",
                        acting_user=user,
                    )
                    services.article_status_change(
                        article=article,
                        status=Status.ACTIVE,
                        occurred_at=back,
                        notes="Recall check passed.",
                        acting_user=user,
                    )
                    free_from, fate = back + HOUR, Fate()
                    continue
                if fate.kind == "lose_and_find":
                    lost_at = max(fate_at, free_from)
                    services.article_report_lost(
                        article=article,
                        occurred_at=lost_at,
                        notes="Not found at the evening count.",
                        acting_user=user,
                    )
                    found_at = lost_at + dt.timedelta(days=19)
                    if found_at >= self.horizon:
                        return
                    services.note_record(
                        article=article,
                        occurred_at=lost_at + DAY,
                        notes="Searched both Innsbruck stores; reported to the police.",
                        acting_user=user,
                    )
                    services.article_found(
                        article=article,
                        occurred_at=found_at,
                        notes="Found in the Airport store's back room.",
                        acting_user=user,
                    )
                    free_from, fate = found_at + HOUR, Fate()
                    continue
                if fate.kind in ("sell", "retire"):
                    self.dispose(article, line, fate.kind, max(fate_at, free_from), condition)
                    return

            # A new season starts with its service and a check.
            key = season_key(line.season, day)
            if key not in seasons:
                first = not seasons
                seasons.add(key)
                store, free_from = self.season_start(article, line, store, moment, first, condition)
                continue

            # A subscription: monthly usages for a few months.
            if subscription_at is not None and moment >= subscription_at:
                subscription_at = None
                after = self.subscription(article, line, moment)
                if after is None:
                    return
                free_from = after
                continue

            # The next rental.
            gap = rng.expovariate(1 / line.gap_days)
            if line.season == "all" and not in_season("summer", day):
                gap *= 3  # e-bikes go out in winter too, less often
            start = at(moment.date() + dt.timedelta(days=int(gap)), rng.choice([8, 9, 10, 14]))
            start = max(start, moment)
            if start >= self.horizon:
                break
            if not in_season(line.season, start.date()):
                free_from = start  # the season ended before anyone came
                continue
            days = rng.randint(*line.rental_days)
            end = at(start.date() + dt.timedelta(days=days), rng.choice([9, 17, 18]))
            if fate.kind == "lose" and fate.at is not None and start >= fate.at:
                self.lose_on_rental(article, line, start)
                return
            if fate.at is not None and fate.kind in ("sell", "retire") and end > fate.at:
                free_from = max(free_from, fate.at)  # disposed of before this rental
                continue
            if end >= self.horizon:
                if keep_open:
                    services.usage_start(
                        article=article,
                        started_at=start,
                        due_at=end,
                        revenue=line.day_rate * days,
                        reference=self.reference("R", start),
                        acting_user=user,
                    )
                return
            if rng.random() < 0.05 and condition < 4:
                condition += 1
            returned = CONDITIONS[condition]
            reference = self.reference("R", start)
            services.usage_start(
                article=article,
                started_at=start,
                ended_at=end,
                revenue=line.day_rate * days,
                reference=reference,
                condition=returned if returned != article.condition else "",
                acting_user=user,
            )
            article.condition = returned
            free_from = self.after_rental(article, line, end, reference)

        # Today: some articles are out right now.
        article.refresh_from_db(fields=["status"])
        if (
            keep_open
            and article.status == Status.ACTIVE
            and in_season(line.season, self.today)
            and free_from < self.horizon - 3 * DAY
        ):
            start = at(self.today - dt.timedelta(days=rng.randint(1, 3)), rng.choice([9, 10, 16]))
            services.usage_start(
                article=article,
                started_at=start,
                due_at=start + 3 * DAY,  # booked for three days
                revenue=line.day_rate * 3,
                reference=self.reference("R", start),
                acting_user=user,
            )


@transaction.atomic
def demo_fleet_create(
    *,
    seed: int = 1,
    articles: int = DEFAULT_ARTICLES,
    today: dt.date,
    progress: Callable[[Iterable], Iterable] = lambda items: items,
) -> DemoResult:
    """Fill an empty database with the demo fleet and its login, in one transaction
    (refused under production settings, see ``demo_allowed_check``)."""
    demo_allowed_check()
    user, created = demo_user_ensure()
    role_logins = demo_role_users_ensure()
    result = DemoFleet(seed=seed, articles=articles, today=today, user=user).build(progress)
    result.login_created = created
    result.role_logins = role_logins
    return result


def ledger_fingerprint() -> str:
    """A digest of every article and event, independent of ids and recording times."""
    digest = hashlib.sha256()
    for row in Article.objects.order_by("number").values_list(
        "number", "sku__code", "store__name", "status", "condition", "purchase_price"
    ):
        digest.update(repr(row).encode())
    for row in Event.objects.order_by("article__number", "occurred_at", "kind", "pk").values_list(
        "article__number",
        "kind",
        "occurred_at",
        "ended_at",
        "revenue",
        "cost",
        "reference",
        "condition",
        "store__name",
        "status",
    ):
        digest.update(repr(row).encode())
    return digest.hexdigest()
