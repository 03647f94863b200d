"""A generated fleet, written as the two import files of SPEC.md.

Seeded, so the same seed gives byte-for-byte the same files. Each article lives a
plausible life in time order (rentals that never overlap, service work with and without
downtime, inspections, transfers, money of every kind, and for some a sale, retirement
or loss; a few end with a rental still out or the article in the workshop), so the files
import cleanly through the same rules as the web forms.
"""

import csv
import datetime as dt
import random
from pathlib import Path

ARTICLE_HEADER = [
    "number",
    "sku_code",
    "sku_name",
    "allocation",
    "status",
    "condition",
    "manufacturer",
    "model",
    "production_year",
    "serial_number",
    "store",
    "purchased_on",
    "purchase_price",
    "frame_size",
]
EVENT_HEADER = [
    "article_number",
    "kind",
    "occurred_at",
    "ended_at",
    "revenue",
    "cost",
    "reference",
    "condition",
    "store",
    "status",
    "notes",
]

STORES = ("Northside", "Harbour", "Depot")
SKUS = (
    ("ROAD-54", "Road bike 54", 1400),
    ("ROAD-58", "Road bike 58", 1450),
    ("EMTB-L", "E-mountain bike L", 4200),
    ("TENT-3", "Tent for three", 380),
    ("SKI-170", "All-mountain ski 170", 620),
    ("KAYAK", "Touring kayak", 950),
)
CONDITIONS = ("new", "like_new", "good", "fair", "poor")
SERVICES = ("maintenance", "repair", "cleaning")
DATA_END = dt.datetime(2026, 6, 30, 18, 0, tzinfo=dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    return moment.isoformat()


def _money(rng: random.Random, low: float, high: float) -> str:
    return f"{rng.uniform(low, high):.2f}"


def write_fleet(folder: Path, *, seed: int = 7, articles: int = 120) -> tuple[Path, Path]:
    """Write ``articles.csv`` and ``events.csv`` into ``folder``; return their paths."""
    rng = random.Random(seed)
    article_rows: list[list[str]] = []
    event_rows: list[list[str]] = []
    for index in range(articles):
        code, name, price = SKUS[index % len(SKUS)]
        number = f"G{index:05d}"
        purchased = dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(0, 1100))
        allocation = "sales" if rng.random() < 0.08 else "rental"
        store = rng.choice(STORES)
        article_rows.append(
            [
                number,
                code,
                name,
                allocation,
                "active",
                rng.choice(CONDITIONS[:3]),
                rng.choice(("Velo", "Alpen", "Nordkap")),
                f"M{rng.randrange(1, 9)}",
                str(purchased.year - rng.randrange(0, 2)),
                f"SN{rng.randrange(10**6, 10**7)}",
                store,
                purchased.isoformat(),
                f"{price * rng.uniform(0.85, 1.15):.2f}",
                rng.choice(("S", "M", "L", "")),
            ]
        )
        event_rows.extend(_life(rng, number, purchased, allocation, store))
    article_path = folder / "articles.csv"
    event_path = folder / "events.csv"
    for path, header, rows in (
        (article_path, ARTICLE_HEADER, article_rows),
        (event_path, EVENT_HEADER, event_rows),
    ):
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
    return article_path, event_path


def _life(
    rng: random.Random, number: str, purchased: dt.date, allocation: str, store: str
) -> list[list[str]]:
    rows: list[list[str]] = []

    def row(kind: str, start: dt.datetime, end: dt.datetime | None = None, **fields: str):
        rows.append(
            [
                number,
                kind,
                _stamp(start),
                _stamp(end) if end else "",
                fields.get("revenue", ""),
                fields.get("cost", ""),
                fields.get("reference", ""),
                fields.get("condition", ""),
                fields.get("store", ""),
                fields.get("status", ""),
                fields.get("notes", ""),
            ]
        )

    moment = dt.datetime.combine(purchased, dt.time(9), tzinfo=dt.UTC) + dt.timedelta(days=2)
    fate = rng.random()
    end_of_life = DATA_END
    if fate < 0.25:
        end_of_life = moment + (DATA_END - moment) * rng.uniform(0.3, 0.95)
    step = 0
    while True:
        moment += dt.timedelta(hours=rng.randrange(12, 24 * 25))
        if moment >= end_of_life - dt.timedelta(days=3):
            break
        step += 1
        roll = rng.random()
        if allocation == "rental" and roll < 0.55:
            length = dt.timedelta(hours=rng.randrange(4, 24 * 9))
            end = moment + length
            if end >= DATA_END:
                if rng.random() < 0.5:
                    row("rental", moment, None, revenue=_money(rng, 20, 90), reference=f"R{step}")
                    return rows
                break
            kind = "subscription" if rng.random() < 0.15 else "rental"
            row(
                kind,
                moment,
                end,
                revenue=_money(rng, 15, 240),
                reference=f"{kind[0].upper()}{step}",
                condition=rng.choice(("", "good", "fair")),
            )
            moment = end
        elif roll < 0.68:
            kind = rng.choice(SERVICES)
            if rng.random() < 0.5:
                end = moment + dt.timedelta(hours=rng.randrange(2, 72))
                if end >= DATA_END:
                    row(kind, moment, None, cost=_money(rng, 10, 120), status="out_of_use")
                    return rows
                row(kind, moment, end, cost=_money(rng, 10, 160), reference=f"W{step}")
                moment = end
            else:
                row(kind, moment, None, cost=_money(rng, 5, 60))
        elif roll < 0.76:
            row("inspection", moment, condition=rng.choice(CONDITIONS), cost=_money(rng, 0, 15))
        elif roll < 0.82:
            target = rng.choice([name for name in STORES if name != store])
            row("transfer", moment, store=target, cost=_money(rng, 0, 30))
            store = target
        elif roll < 0.88:
            row("income", moment, revenue=_money(rng, 5, 80), notes="damage fee")
        elif roll < 0.93:
            row("expense", moment, cost=_money(rng, 5, 90), notes="spare part")
        elif roll < 0.96:
            row("adjustment", moment, revenue=_money(rng, 0, 20), cost=_money(rng, 0, 20))
        elif roll < 0.98:
            row("status_change", moment, status="out_of_use", notes="waiting for parts")
            moment += dt.timedelta(days=rng.randrange(1, 20))
            if moment >= DATA_END:
                return rows
            row("status_change", moment, status="active", notes="parts fitted")
        else:
            row("note", moment, notes="customer asked about it")
    if end_of_life < DATA_END:
        moment = max(moment, end_of_life - dt.timedelta(days=2)) + dt.timedelta(hours=1)
        ending = rng.random()
        if ending < 0.5:
            row("sale", moment, revenue=_money(rng, 100, 900), reference="S-OUT")
        elif ending < 0.8:
            row("retirement", moment, cost=_money(rng, 0, 40), notes="scrapped")
        else:
            row("loss", moment, revenue=_money(rng, 0, 300), notes="stolen")
            if rng.random() < 0.4:
                found = moment + dt.timedelta(days=rng.randrange(2, 40))
                if found < DATA_END:
                    row("status_change", found, status="active", notes="found")
    return rows
