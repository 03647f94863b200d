"""``manage.py keep_reports``: make today's kept figures before the staff ask for them.

The first SKU report and the first sell-off of a day compute the whole fleet's rows and
keep them (5.5 and 12 s at 100,000 articles), while recordings wait for them; the first
overview after a month ends computes and keeps that month (3 s). Run just after
midnight in the installation's time zone (docs/operations.md), this command does that
work then: the overview's complete months, then the SKU report's and the sell-off's
rows of every SKU (``reports.figures.kept``). What is kept already stays as it is, so a
second run only reads. When writes hold the ledger at every try of the lock, it waits
and tries again, then fails with a message (exit status 1). PostgreSQL only: SQLite
keeps nothing.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from reports.figures import fleet_monthly_totals, kept_reports_make
from reports.figures.horizon import Horizon
from reports.models import KeptSkuReport

# How often, and how many seconds apart, a report's rows are tried when writes held the
# ledger each time.
TRIES = 5
PAUSE = 10.0
REPORTS = (
    (KeptSkuReport.Report.SKUS, "the SKU report"),
    (KeptSkuReport.Report.SELLOFF, "the sell-off"),
)


class Command(BaseCommand):
    help = (
        "Compute and keep today's SKU report, sell-off and the overview's months, so that "
        "the day's first reports read them. Run it just after midnight."
    )

    def handle(self, *args, **options):
        self.quiet = options["verbosity"] < 1
        if connection.vendor != "postgresql":
            self.stdout.write("Nothing to keep: reports are kept on PostgreSQL only.")
            return
        day = Horizon.of(None).day
        today = f"{day.day} {day:%B %Y}"
        started = self._start(f"the overview's complete months as of {today}")
        fleet_monthly_totals()
        self._done(started)
        for report, label in REPORTS:
            started = self._start(f"{label} as of {today}")
            missing = kept_reports_make(report)
            for _ in range(TRIES - 1):
                if not missing:
                    break
                time.sleep(PAUSE)
                missing = kept_reports_make(report)
            if missing:
                raise CommandError(
                    f"{label[0].upper()}{label[1:]}: {missing} SKUs could not be kept, as writes to "
                    f"the ledger held it at each of {TRIES} tries; run the command again."
                )
            self._done(started)

    def _start(self, what: str) -> float:
        if not self.quiet:
            self.stdout.write(f"Keeping {what} ...")
            self.stdout.flush()
        return time.monotonic()

    def _done(self, started: float) -> None:
        if not self.quiet:
            self.stdout.write(f"  done in {time.monotonic() - started:.1f} s")
