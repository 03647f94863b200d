"""``manage.py report articles|skus|selloff``: SPEC.md's figures as a table, CSV or JSON.

As of today without ``--window`` or ``--store``, ``skus`` and ``selloff`` read the rows
kept per SKU on PostgreSQL and compute only the SKUs that changed
(``reports.figures.kept``); the figures are the same either way. ``articles --format
csv`` is streamed, on PostgreSQL written by the database
(``reports.figures.articles_csv``); the bytes are the same either way.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.codes import normalized_code
from articles.models import Article, Store
from reports.figures import (
    FIRST_AS_OF,
    LAST_AS_OF,
    MAX_WINDOW_DAYS,
    REPORT_COLUMNS,
    article_figures,
    kept_selloff_candidates,
    kept_sku_figures,
)
from reports.figures.articles_csv import article_csv
from reports.formatting import render
from skus.models import SKU

FORMATS = ("table", "csv", "json")


def _as_of(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        day = dt.datetime.strptime(value.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise CommandError(f"--as-of: {value!r} is not a date; write it as YYYY-MM-DD.") from None
    if not FIRST_AS_OF <= day <= LAST_AS_OF:
        raise CommandError(
            f"--as-of: {value!r} is out of range; give a date from {FIRST_AS_OF} to {LAST_AS_OF}."
        )
    return day


def _window(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        days = int(value.strip())
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_WINDOW_DAYS:
        raise CommandError(
            f"--window: {value!r} is not a number of days; give a whole number from 1 to "
            f"{MAX_WINDOW_DAYS}."
        )
    return days


class Command(BaseCommand):
    help = (
        "Print the figures of SPEC.md: per article (articles), per SKU (skus) or the "
        "sell-off candidates (selloff)."
    )

    def add_arguments(self, parser):
        parser.add_argument("report", help="articles, skus or selloff")
        parser.add_argument("--as-of", help="the as-of date, YYYY-MM-DD (default: today)")
        parser.add_argument(
            "--window",
            help="the sell-off window in days (default: each SKU's own, else the setting)",
        )
        parser.add_argument("--sku", help="only this SKU (its code)")
        parser.add_argument(
            "--store", help="only articles in this store at the as-of date (its name)"
        )
        parser.add_argument("--format", default="table", help="table (default), csv or json")

    def handle(self, *args, **options):
        report = options["report"].strip().lower()
        if report not in REPORT_COLUMNS:
            raise CommandError(
                f"Unknown report {options['report']!r}; choose articles, skus or selloff."
            )
        report_format = (options["format"] or "").strip().lower()
        if report_format not in FORMATS:
            raise CommandError(
                f"--format: {options['format']!r} is not a format; choose table, csv or json."
            )
        as_of = _as_of(options["as_of"])
        window = _window(options["window"])
        sku = None
        if options["sku"] is not None:
            try:
                sku = SKU.objects.get_by_code(options["sku"])
            except SKU.DoesNotExist:
                raise CommandError(f"--sku: there is no SKU {options['sku']!r}.") from None
        store = None
        if options["store"] is not None:
            try:
                name = normalized_code(options["store"], what="The store name")
            except ValidationError as error:
                raise CommandError(f"--store: {' '.join(error.messages)}") from None
            store = Store.objects.filter(name__iexact=name).first()
            if store is None:
                raise CommandError(f"--store: there is no store {options['store']!r}.")

        skus = SKU.objects.filter(pk=sku.pk) if sku else None
        if report == "articles":
            articles = None
            if sku:
                articles = Article.objects.filter(sku=sku)
            if report_format == "csv":
                # Streamed: on PostgreSQL the database writes the lines.
                for chunk in article_csv(
                    as_of=as_of, window_days=window, articles=articles, store=store
                ):
                    self.stdout.write(chunk.decode(), ending="")
                return
            rows = article_figures(as_of=as_of, window_days=window, articles=articles, store=store)
        elif report == "skus":
            rows = kept_sku_figures(as_of=as_of, window_days=window, skus=skus, store=store)
        else:
            rows = kept_selloff_candidates(as_of=as_of, window_days=window, skus=skus, store=store)
        self.stdout.write(render(report_format, REPORT_COLUMNS[report], rows), ending="")
