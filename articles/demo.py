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
import random
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from skus.models import SKU

from . import services
from .models import Allocation, Article, Condition, Event, EventKind, Status, Store

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo-inventory"
DEFAULT_ARTICLES = 250

CENTRE, AIRPORT, SEEFELD = "Innsbruck Centre", "Innsbruck Airport", "Seefeld"
STORES = {
    CENTRE: "Maria-Theresien-Straße 18, 6020 Innsbruck",
    AIRPORT: "Fürstenweg 180, 6020 Innsbruck",
    SEEFELD: "Klosterstraße 43, 6100 Seefeld in Tirol",
}
CONDITIONS = [Condition.NEW, Condition.LIKE_NEW, Condition.GOOD, Condition.FAIR, Condition.POOR]
REPAIRS = {
    "bike": ["Broken spoke replaced.", "New brake pads.", "Chain and cassette replaced."],
    "e-bike": ["New brake pads.", "Motor firmware update and sensor check.", "Rear derailleur."],
    "ski": ["Edge repair.", "Base grind.", "Binding adjusted and tested."],
    "outdoor": ["Zip replaced.", "Pole segment replaced."],
}
HOUR = dt.timedelta(hours=1)
DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Line:
    """One SKU of the demo business and how its articles are used."""

    code: str
    name: str
    specifications: dict
    manufacturer: str
    model: str
    price: Decimal
    weight: int
    season: str  # "summer", "winter" or "all"
    day_rate: Decimal
    rental_days: tuple[int, int]
    gap_days: float  # mean idle time between two rentals in season
    stores: tuple[str, ...]
    subscription_rate: Decimal | None = None
    sales_share: float = 0.0
    expected_lifetime_days: int | None = None


LINES = [
    Line(
        "CITY-M",
        "City bike, frame M",
        {"category": "bike", "frame size": "M (52 cm)", "wheel size": '28"'},
        "KTM",
        "Life Joy",
        Decimal("690.00"),
        14,
        "summer",
        Decimal("25.00"),
        (2, 6),
        26.0,
        (CENTRE, AIRPORT),
        sales_share=0.1,
        expected_lifetime_days=1460,
    ),
    Line(
        "CITY-L",
        "City bike, frame L",
        {"category": "bike", "frame size": "L (56 cm)", "wheel size": '28"'},
        "KTM",
        "Life Joy",
        Decimal("690.00"),
        10,
        "summer",
        Decimal("25.00"),
        (2, 6),
        30.0,
        (CENTRE, AIRPORT),
        sales_share=0.1,
        expected_lifetime_days=1460,
    ),
    Line(
        "MTB-M",
        "Mountain bike, frame M",
        {"category": "bike", "frame size": "M", "wheel size": "29", "travel": "140 mm"},
        "Cube",
        "Stereo 140",
        Decimal("1890.00"),
        9,
        "summer",
        Decimal("45.00"),
        (1, 5),
        24.0,
        (CENTRE,),
    ),
    Line(
        "EMTB-M",
        "E-mountain bike, frame M",
        {"category": "e-bike", "frame size": "M", "battery": "750 Wh"},
        "KTM",
        "Macina Prowler",
        Decimal("4290.00"),
        12,
        "all",
        Decimal("79.00"),
        (2, 7),
        22.0,
        (CENTRE, SEEFELD),
        subscription_rate=Decimal("149.00"),
        sales_share=0.05,
    ),
    Line(
        "EMTB-L",
        "E-mountain bike, frame L",
        {"category": "e-bike", "frame size": "L", "battery": "750 Wh"},
        "KTM",
        "Macina Prowler",
        Decimal("4290.00"),
        8,
        "all",
        Decimal("79.00"),
        (2, 7),
        26.0,
        (CENTRE, SEEFELD),
        subscription_rate=Decimal("149.00"),
    ),
    Line(
        "ETREK-M",
        "E-trekking bike, frame M",
        {"category": "e-bike", "frame size": "M", "battery": "625 Wh"},
        "Kalkhoff",
        "Endeavour 5",
        Decimal("3290.00"),
        10,
        "all",
        Decimal("59.00"),
        (3, 8),
        24.0,
        (CENTRE, AIRPORT),
        subscription_rate=Decimal("119.00"),
    ),
    Line(
        "SKI-AM-170",
        "All-mountain ski, 170 cm",
        {"category": "ski", "length": "170 cm", "binding": "Atomic M 12"},
        "Atomic",
        "Redster Q9",
        Decimal("549.00"),
        14,
        "winter",
        Decimal("32.00"),
        (3, 7),
        15.0,
        (SEEFELD, CENTRE),
        expected_lifetime_days=1095,
    ),
    Line(
        "SKI-AM-177",
        "All-mountain ski, 177 cm",
        {"category": "ski", "length": "177 cm", "binding": "Atomic M 12"},
        "Atomic",
        "Redster Q9",
        Decimal("549.00"),
        12,
        "winter",
        Decimal("32.00"),
        (3, 7),
        17.0,
        (SEEFELD, CENTRE),
        expected_lifetime_days=1095,
    ),
    Line(
        "SKI-TOUR-172",
        "Touring ski set, 172 cm",
        {"category": "ski", "length": "172 cm", "binding": "Dynafit ST Rotation", "skins": "yes"},
        "Dynafit",
        "Blacklight 88",
        Decimal("1190.00"),
        6,
        "winter",
        Decimal("49.00"),
        (2, 6),
        20.0,
        (SEEFELD,),
    ),
    Line(
        "TENT-3P",
        "Trekking tent, 3 persons",
        {"category": "outdoor", "persons": "3", "weight": "2.9 kg"},
        "Vaude",
        "Campo 3P",
        Decimal("429.00"),
        5,
        "summer",
        Decimal("18.00"),
        (3, 8),
        30.0,
        (CENTRE,),
    ),
]


def in_season(season: str, day: dt.date) -> bool:
    md = (day.month, day.day)
    if season == "summer":
        return (4, 20) <= md <= (10, 20)
    if season == "winter":
        return md >= (12, 5) or md <= (4, 10)
    return True


def next_season_day(season: str, day: dt.date) -> dt.date:
    """The first day on or after ``day`` that is in ``season``."""
    while not in_season(season, day):
        day += DAY
    return day


def season_key(season: str, day: dt.date) -> tuple[str, int]:
    """Names the season ``day`` belongs to (a winter is named by the year it starts)."""
    if season == "winter" and day.month <= 6:
        return season, day.year - 1
    return season, day.year  # summer, or the year of an all-year article


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return services.start_of_day(day) + dt.timedelta(hours=hour, minutes=minute)


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
    events: Counter = field(default_factory=Counter)

    def lines(self) -> list[str]:
        kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(self.events.items()))
        return [
            f"{self.stores} stores, {self.skus} SKUs, {self.articles} articles",
            f"{sum(self.events.values())} events: {kinds}",
        ]


def demo_user_ensure() -> "AbstractUser":  # noqa: F821
    """The demo login (a superuser), created or given the demo password again."""
    user, _ = get_user_model().objects.get_or_create(username=DEMO_USERNAME)
    user.is_staff = user.is_superuser = user.is_active = True
    user.email = user.email or "demo@example.com"
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


class DemoFleet:
    """Builds the demo fleet through the services, article by article in time order."""

    def __init__(self, *, seed: int, articles: int, today: dt.date, user):
        self.rng = random.Random(seed)
        self.size = articles
        self.today = today
        self.horizon = services.start_of_day(today)  # everything happens before today
        self.start = today - dt.timedelta(days=730)
        self.user = user
        self.stores: dict[str, Store] = {}
        self.references = Counter()
        self.shown = Counter()
        self.result = DemoResult()

    # --- the plan -------------------------------------------------------------------

    def first(self, what: str) -> bool:
        """True the first time it is asked about ``what``, so a small fleet shows it too."""
        self.shown[what] += 1
        return self.shown[what] == 1

    def reference(self, prefix: str, moment: dt.datetime) -> str:
        self.references[prefix] += 1
        return f"{prefix}-{moment:%y}{self.references[prefix]:05d}"

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
            acquired_at=_at(purchased_on, 8),
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
            occurred_at=_at(purchased_on + DAY, 9),
            notes="Arrival check.",
            acting_user=self.user,
        )
        sold_at = _at(purchased_on + dt.timedelta(days=rng.randint(10, 400)), rng.randint(10, 17))
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
            return Fate(special, _at(purchased_on + dt.timedelta(days=rng.randint(200, 420)), 12))
        roll = rng.random()
        if roll < 0.06:  # sold off as ex-rental after about a year
            return Fate("sell", _at(purchased_on + dt.timedelta(days=rng.randint(330, 420)), 11))
        if roll < 0.09:  # worn out or broken beyond repair
            return Fate("retire", _at(purchased_on + dt.timedelta(days=rng.randint(250, 700)), 15))
        if roll < 0.11:  # a recall check takes it out of use for a few days
            return Fate("recall", _at(purchased_on + dt.timedelta(days=rng.randint(100, 600)), 9))
        return Fate()

    def rental_life(
        self, article: Article, line: Line, purchased_on: dt.date, *, special: str
    ) -> None:
        rng, user = self.rng, self.user
        fate = self.fate(purchased_on, special)
        condition = 0  # index into CONDITIONS
        free_from = _at(purchased_on + DAY, 9)  # the article is free from this moment
        seasons: set[tuple[str, int]] = set()
        store = article.store
        subscription_at = None
        if line.subscription_rate and (rng.random() < 0.35 or self.first("subscription")):
            subscription_at = _at(purchased_on + dt.timedelta(days=rng.randint(60, 600)), 10)
        keep_open = rng.random() < 0.06  # a rental running over today stays open

        while True:
            day = next_season_day(line.season, free_from.date())
            moment = max(free_from, _at(day, 9))
            if moment >= self.horizon:
                break

            # Fates that happen between rentals.
            if fate.at is not None and moment >= fate.at:
                if fate.kind == "recall":
                    recall_at = max(fate.at, free_from)
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
                    lost_at = max(fate.at, free_from)
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
                    self.dispose(article, line, fate.kind, max(fate.at, free_from), condition)
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
                free_from = self.subscription(article, line, moment)
                if free_from is None:
                    return
                continue

            # The next rental.
            gap = rng.expovariate(1 / line.gap_days)
            if line.season == "all" and not in_season("summer", day):
                gap *= 3  # e-bikes go out in winter too, less often
            start = _at(moment.date() + dt.timedelta(days=int(gap)), rng.choice([8, 9, 10, 14]))
            start = max(start, moment)
            if start >= self.horizon:
                break
            if not in_season(line.season, start.date()):
                free_from = start  # the season ended before anyone came
                continue
            days = rng.randint(*line.rental_days)
            end = _at(start.date() + dt.timedelta(days=days), rng.choice([9, 17, 18]))
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
            start = _at(self.today - dt.timedelta(days=rng.randint(1, 3)), rng.choice([9, 10, 16]))
            services.usage_start(
                article=article,
                started_at=start,
                revenue=line.day_rate * 3,
                reference=self.reference("R", start),
                acting_user=user,
            )

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
        rng = self.rng
        start = _at(moment.date() + DAY, 10)
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
                revenue=line.subscription_rate,
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
            reference=self.reference("WO", moment),
            notes="Waiting for a spare part.",
            acting_user=self.user,
        )


@transaction.atomic
def demo_fleet_create(
    *,
    seed: int = 1,
    articles: int = DEFAULT_ARTICLES,
    today: dt.date,
    progress: Callable[[Iterable], Iterable] = lambda items: items,
) -> DemoResult:
    """Fill an empty database with the demo fleet, in one transaction."""
    user = demo_user_ensure()
    return DemoFleet(seed=seed, articles=articles, today=today, user=user).build(progress)


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
