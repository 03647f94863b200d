"""What the reports keep between requests: the fleet's totals of complete months, and
each SKU's part of the SKU and sell-off reports as of today.

The overview's chart sums the whole ledger per calendar month. A month that has ended
changes only when the ledger gets an event that reaches into it (a backdated event,
an import, a usage closed after running through it), so its totals are kept once
computed (``reports.figures.monthly``) and forgotten by the database itself whenever
such an event is written (the triggers of migration 0001, PostgreSQL only). A SKU's
rows of the reports as of today are kept the same way (``reports.figures.kept``,
migration 0002): the database forgets them when one of its events, its articles, the
SKU itself or a store of its articles changes.
"""

from django.db import models


class MonthlyRollup(models.Model):
    """The raw sums of one complete calendar month, [begins, ends) in UTC, in time zone
    ``zone``, as ``fleet_monthly_totals``' statements return them (empty when the month
    has no such events). Only for a ledger whose articles were all bought by then."""

    zone = models.CharField(max_length=64)
    begins = models.DateTimeField()
    ends = models.DateTimeField()
    revenue = models.DecimalField(max_digits=20, decimal_places=2, null=True)
    expenses = models.DecimalField(max_digits=20, decimal_places=2, null=True)
    # As the statement sums it (double precision), so that it reads back the same.
    usage_seconds = models.FloatField(null=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "begins", "ends"], name="monthly_rollup_one_per_month"
            )
        ]

    def __str__(self) -> str:
        return f"{self.zone} {self.begins:%Y-%m}"


class KeptSkuReport(models.Model):
    """One SKU's part of a report over SKUs as of ``as_of`` with the default parameters
    (each SKU's own window, every store), as ``reports.figures.kept`` wrote it: for
    ``report`` "skus" the SKU's row of ``sku_figures``, for "selloff" its candidates and
    its line of the summary. ``basis`` names the installation settings the figures were
    computed under. Only ever as of the day it was computed (today), and only on
    PostgreSQL, whose triggers (migration 0002) forget it when anything it is made of
    changes."""

    class Report(models.TextChoices):
        SKUS = "skus", "SKU figures"
        SELLOFF = "selloff", "Sell-off candidates"

    # The unique constraint's index (sku first) serves the triggers' deletes by SKU.
    sku = models.ForeignKey("skus.SKU", on_delete=models.CASCADE, related_name="+", db_index=False)
    report = models.CharField(max_length=16, choices=Report.choices)
    as_of = models.DateField()
    basis = models.CharField(max_length=200)
    # Values as JSON can hold them: amounts and fractions as their exact decimal text.
    rows = models.JSONField()
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["sku", "report"], name="kept_sku_report_one_per_sku")
        ]

    def __str__(self) -> str:
        return f"{self.report} of SKU {self.sku_id} as of {self.as_of}"


class KeptCandidate(models.Model):
    """One sell-off candidate of a SKU's kept sell-off part, as a row of its own, so that
    a page of the candidates is read in the sell-off's order (``keep_margin``, then
    ``number``) or another, and paged, by the database. ``figures`` holds every column
    of the sell-off by name, encoded as in ``KeptSkuReport.rows``. Forgotten with its
    kept part: on PostgreSQL its foreign key deletes it with that row (migration 0003),
    also when the triggers forget the part."""

    kept = models.ForeignKey(
        KeptSkuReport, on_delete=models.CASCADE, related_name="candidates", db_constraint=False
    )
    number = models.CharField(max_length=64)
    # Money to the cent, as the sell-off computes it: sorted here exactly as there.
    keep_margin = models.DecimalField(max_digits=20, decimal_places=2)
    figures = models.JSONField()
    # The article now, for what may be done with it: any change of the article forgets
    # its SKU's kept part, and with it this row.
    condition = models.CharField(max_length=16)
    sellable = models.BooleanField()
    choosable = models.BooleanField()

    class Meta:
        indexes = [models.Index(fields=["keep_margin", "number"], name="kept_candidate_order")]

    def __str__(self) -> str:
        return f"{self.number} (kept sell-off candidate)"
