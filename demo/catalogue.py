"""The demo business: its stores, its lines of articles and their seasons.

Plain data and calendar rules, kept apart from ``fleet`` which builds the ledger
from them.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from articles.models import Condition

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
    specifications: dict[str, Any]
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
        5.2,
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
        6.0,
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
        4.8,
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
        4.4,
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
        5.2,
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
        4.8,
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
        3.0,
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
        3.4,
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
        4.0,
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
        6.0,
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
