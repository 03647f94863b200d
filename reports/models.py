"""What the reports keep between requests: the fleet's totals of complete months.

The overview's chart sums the whole ledger per calendar month. A month that has ended
changes only when the ledger gets an event that reaches into it (a backdated event,
an import, a usage closed after running through it), so its totals are kept once
computed (``reports.figures.monthly``) and forgotten by the database itself whenever
such an event is written (the triggers of migration 0001, PostgreSQL only).
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
