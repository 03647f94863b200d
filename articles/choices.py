"""The closed vocabularies of articles and their ledger (SPEC.md "Vocabulary").

They live apart from the models so that the registry of event kinds
(``articles.kinds``) and the models, whose constraints use the registry's kind
sets, can both import them.
"""

from django.db import models


class Allocation(models.TextChoices):
    RENTAL = "rental", "Rental"
    SALES = "sales", "Sales"


class Status(models.TextChoices):
    ACTIVE = "active", "Active"
    OUT_OF_USE = "out_of_use", "Out of use"
    LOST = "lost", "Lost"
    SOLD = "sold", "Sold"
    RETIRED = "retired", "Retired"


DISPOSED_STATUSES = frozenset({Status.LOST, Status.SOLD, Status.RETIRED})

# SPEC.md "Status lifecycle": the statuses each status may change to.
TRANSITIONS: dict[str, frozenset[str]] = {
    Status.ACTIVE: frozenset({Status.OUT_OF_USE, Status.LOST, Status.SOLD, Status.RETIRED}),
    Status.OUT_OF_USE: frozenset({Status.ACTIVE, Status.LOST, Status.SOLD, Status.RETIRED}),
    Status.LOST: frozenset({Status.ACTIVE, Status.RETIRED}),
    Status.SOLD: frozenset(),
    Status.RETIRED: frozenset(),
}


class Condition(models.TextChoices):
    NEW = "new", "New"
    LIKE_NEW = "like_new", "Like new"
    GOOD = "good", "Good"
    FAIR = "fair", "Fair"
    POOR = "poor", "Poor"


class EventKind(models.TextChoices):
    """The kinds of ledger events; what each one takes and does is in ``articles.kinds``."""

    ACQUISITION = "acquisition", "Acquisition"
    RENTAL = "rental", "Rental"
    SUBSCRIPTION = "subscription", "Subscription"
    MAINTENANCE = "maintenance", "Maintenance"
    REPAIR = "repair", "Repair"
    CLEANING = "cleaning", "Cleaning"
    INSPECTION = "inspection", "Inspection"
    TRANSFER = "transfer", "Transfer"
    STATUS_CHANGE = "status_change", "Status change"
    INCOME = "income", "Income"
    EXPENSE = "expense", "Expense"
    SALE = "sale", "Sale"
    RETIREMENT = "retirement", "Retirement"
    LOSS = "loss", "Loss"
    ADJUSTMENT = "adjustment", "Adjustment"
    NOTE = "note", "Note"
