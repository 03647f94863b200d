"""``manage.py recompute_figures``: rebuild the stored per-article ledger totals, and
forget the kept monthly totals of the overview (``reports.models.MonthlyRollup``) and
the kept SKU and sell-off reports (``reports.models.KeptSkuReport``).

The services keep ``total_usage_count``, ``total_revenue``, ``total_expenses`` and
``total_sale_proceeds`` in the same transaction as every event; this command rebuilds
them from the ledger (after a restore, a bulk load or a manual fix in the database).
Each batch of articles is one set-based UPDATE in its own transaction.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from articles.models import Article
from articles.services import article_totals_refresh
from reports.figures.kept import kept_reports_forget
from reports.figures.monthly import monthly_rollup_rebuild


class Command(BaseCommand):
    help = "Recompute the stored ledger totals of every article from its events."

    def add_arguments(self, parser):
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            help="articles per transaction (default 2000)",
        )

    def handle(self, *args, batch_size: int, **options):
        if batch_size < 1:
            raise CommandError("--batch-size: give a whole number of at least 1.")
        total = Article.objects.count()
        updated = 0
        last_pk = 0
        with tqdm(total=total, unit="articles", disable=options["verbosity"] < 1) as progress:
            while True:
                pks = list(
                    Article.objects.filter(pk__gt=last_pk)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:batch_size]
                )
                if not pks:
                    break
                with transaction.atomic():
                    updated += article_totals_refresh(
                        articles=Article.objects.filter(pk__gte=pks[0], pk__lte=pks[-1])
                    )
                last_pk = pks[-1]
                progress.update(len(pks))
        self.stdout.write(f"Recomputed the stored totals of {updated} articles.")
        forgotten = monthly_rollup_rebuild()
        self.stdout.write(
            f"Forgot the kept totals of {forgotten} months; the overview computes them again."
        )
        forgotten = kept_reports_forget()
        self.stdout.write(
            f"Forgot {forgotten} kept SKU report rows; the reports compute them again."
        )
