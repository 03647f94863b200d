"""``manage.py seed_demo [--seed N] [--articles N] [--if-empty]``: the demo fleet."""

import datetime as dt
import sys
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from tqdm import tqdm

from articles.models import Article
from demo.fleet import (
    DEFAULT_ARTICLES,
    DEMO_PASSWORD,
    DEMO_USERNAME,
    DemoNotAllowed,
    demo_allowed_check,
    demo_fleet_create,
)


class Command(BaseCommand):
    help = (
        "Fill an empty database with a demo rental fleet (bikes, e-bikes, skis, outdoor "
        "gear; three stores; two years of history up to today), made through the services, "
        "and create the demo login."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed", type=int, default=1, help="The same seed gives the same fleet (default 1)."
        )
        parser.add_argument(
            "--articles",
            type=int,
            default=DEFAULT_ARTICLES,
            help=f"About how many articles to make (default {DEFAULT_ARTICLES}).",
        )
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help="The day the history runs up to, YYYY-MM-DD (default: today).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing if any article exists (the demo login is not touched either).",
        )

    def handle(self, *args, seed, articles, today, if_empty, **options):
        if articles < 20:
            raise CommandError("--articles must be at least 20, so every kind of life fits.")
        try:
            demo_allowed_check()
        except DemoNotAllowed as refusal:
            raise CommandError(str(refusal)) from refusal
        if Article.objects.exists():
            if not if_empty:
                raise CommandError(
                    "The database already has articles; seed_demo fills an empty database. "
                    "Use --if-empty to skip quietly."
                )
            self.stdout.write("The database already has articles; no demo fleet added.")
            return
        started = time.monotonic()
        result = demo_fleet_create(
            seed=seed,
            articles=articles,
            today=today or timezone.localdate(),
            progress=lambda items: tqdm(
                items,
                desc="Demo fleet",
                unit="article",
                disable=options["verbosity"] < 1,
                file=sys.stderr,
            ),
        )
        self.stdout.write(
            self.style.SUCCESS(f"Demo fleet (seed {seed}) in {time.monotonic() - started:.1f} s:")
        )
        for line in result.lines():
            self.stdout.write(f"  {line}")
        if result.login_created:
            self.stdout.write(f"Demo login: user {DEMO_USERNAME}, password {DEMO_PASSWORD}")
        if result.role_logins:
            self.stdout.write(
                f"Demo logins by role, same password: {', '.join(result.role_logins)}"
            )
        else:
            self.stdout.write(
                f"A user {DEMO_USERNAME!r} already existed; it made the demo and its password "
                "is unchanged."
            )
