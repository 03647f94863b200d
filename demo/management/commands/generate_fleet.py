"""``manage.py generate_fleet --articles N [--events-per-article M] [--seed S]``."""

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from tqdm import tqdm

from demo.generated import DEFAULT_EVENTS_PER_ARTICLE, FleetNotEmpty, fleet_generate


class Command(BaseCommand):
    help = (
        "Fill an empty database with a generated fleet of any size for benchmarks: SKUs of "
        "six kinds, five stores, purchases over four and a half years and a ledger of every "
        "event kind, valid under every rule, the same for the same seed (written with COPY "
        "on PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, required=True, help="How many articles.")
        parser.add_argument(
            "--events-per-article",
            type=int,
            default=DEFAULT_EVENTS_PER_ARTICLE,
            help=f"About how many events a rental article gets (default "
            f"{DEFAULT_EVENTS_PER_ARTICLE}).",
        )
        parser.add_argument(
            "--seed", type=int, default=1, help="The same seed gives the same fleet (default 1)."
        )

    def handle(self, *args, articles, events_per_article, seed, **options):
        if articles < 1:
            raise CommandError("--articles: give a whole number of at least 1.")
        if events_per_article < 7:
            raise CommandError(
                "--events-per-article: give at least 7 (an acquisition, service work, an "
                "inspection, money, a note and a usage)."
            )
        if connection.vendor != "postgresql" and articles > 20_000:
            raise CommandError(
                "Fleets of more than 20,000 articles are generated on PostgreSQL only "
                "(set DATABASE_URL); this database would take too long."
            )
        started = time.monotonic()
        try:
            fleet = fleet_generate(
                articles=articles,
                events_per_article=events_per_article,
                seed=seed,
                progress=lambda items: tqdm(
                    items,
                    desc="Generated fleet",
                    unit="article",
                    disable=options["verbosity"] < 1,
                    file=sys.stderr,
                    mininterval=1.0,
                ),
            )
        except FleetNotEmpty as refusal:
            raise CommandError(str(refusal)) from refusal
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated fleet (seed {seed}) in {time.monotonic() - started:.1f} s: "
                f"{fleet.stores} stores, {fleet.skus} SKUs, {fleet.articles:,} articles, "
                f"{fleet.events:,} events of {len(fleet.kinds)} kinds."
            )
        )
