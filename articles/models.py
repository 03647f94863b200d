"""Stores, articles and the usage ledger (SPEC.md "Article" and "Events").

Models hold state and the rules about one row. Every change of state goes through
``articles.services``, which enforces the lifecycle and writes the ledger. The
vocabularies live in ``articles.choices`` and what each event kind takes and does in
``articles.kinds``; both are re-exported here, where the rest of the code imports them.
"""

import json
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Lower, Upper
from django.urls import reverse
from django.utils import timezone

from .choices import DISPOSED_STATUSES, TRANSITIONS, Allocation, Condition, EventKind, Status
from .codes import lookup_code, normalized_field
from .fields import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, MoneyField
from .kinds import DISPOSAL_KINDS, NEGATIVE_KINDS, SERVICE_KINDS, USAGE_KINDS

# The money field's size, for code that checks amounts before a field does.
MONEY = {"max_digits": MONEY_MAX_DIGITS, "decimal_places": MONEY_DECIMAL_PLACES}
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
PRODUCTION_YEAR_RANGE = (1900, 2100)
# An article's own specifications: a few descriptive pairs, not a document store.
MAX_SPECIFICATIONS = 50
MAX_SPECIFICATION_KEY = 64
MAX_SPECIFICATION_VALUE = 500


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def specification_errors(
    specifications: object, *, what: str = "An article"
) -> list[tuple[str, str]]:
    """What is wrong with ``specifications``, as (key, message) pairs; the key is ""
    when the message is about them all. Shared by ``Article.clean`` and the import."""
    if not isinstance(specifications, dict):
        return [("", 'Specifications are key/value pairs, such as {"size": "M"}.')]
    errors = []
    if len(specifications) > MAX_SPECIFICATIONS:
        errors.append(
            (
                "",
                f"{what} can have at most {MAX_SPECIFICATIONS} specifications; "
                f"this one would have {len(specifications)}.",
            )
        )
    for key, value in specifications.items():
        if len(key) > MAX_SPECIFICATION_KEY:
            errors.append(
                (
                    key,
                    f"The specification name {key[:20]}… is {len(key)} characters long; "
                    f"the most is {MAX_SPECIFICATION_KEY}.",
                )
            )
        text = value if isinstance(value, str) else json.dumps(value)
        if _has_nul(key) or _has_nul(value):
            # PostgreSQL's jsonb cannot store it; SQLite would, and the export then break.
            errors.append((key, f"The specification {key[:20]!r} contains a NUL character."))
            continue
        if len(text) > MAX_SPECIFICATION_VALUE:
            errors.append(
                (
                    key,
                    f"The value of {key[:MAX_SPECIFICATION_KEY]} is {len(text)} characters "
                    f"long; the most is {MAX_SPECIFICATION_VALUE}.",
                )
            )
    return errors


__all__ = [
    "DISPOSAL_KINDS",
    "DISPOSED_STATUSES",
    "MONEY",
    "NON_NEGATIVE",
    "PRODUCTION_YEAR_RANGE",
    "SERVICE_KINDS",
    "TRANSITIONS",
    "USAGE_KINDS",
    "Allocation",
    "Article",
    "Condition",
    "Event",
    "EventKind",
    "MoneyField",
    "Status",
    "Store",
]


class Store(models.Model):
    """A physical location (shop, warehouse). An article is in one store at a time."""

    name = models.CharField(max_length=100)
    address = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="store_name_unique_ci",
                violation_error_message="A store with this name already exists.",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("admin:articles_store_change", args=[self.pk])

    def clean(self):
        super().clean()
        self.name = normalized_field(self.name, field="name", what="The store name")


class ArticleQuerySet(models.QuerySet):
    def get_by_number(self, number: str) -> "Article":
        """The article whose number matches ``number`` case-insensitively, once both
        are normalized (``codes.normalized_code``)."""
        number = lookup_code(number, what="The article number", missing=self.model.DoesNotExist)
        return self.get(number__iexact=number)

    def with_list_relations(self):
        return self.select_related("sku", "store")

    def disposed(self):
        return self.filter(status__in=DISPOSED_STATUSES)

    def not_disposed(self):
        return self.exclude(status__in=DISPOSED_STATUSES)

    def _open_usage(self, at):
        """Whether the outer article has a usage open at ``at``: a correlated EXISTS, which
        PostgreSQL runs as an anti- or semi-join (``pk__in`` excluded became a NOT IN over
        every open usage, checked row by row).

        Now (``at`` None) that is a usage without an end: the ledger holds no moment in
        the future (beyond the services' minute of clock tolerance), so every recorded
        end has passed. Said so, the condition is the one of the partial index
        ``event_open_usage_idx``, a few thousand rows of the ledger.
        """
        usages = Event.objects.usages()
        usages = usages.open() if at is None else usages.open_at(at)
        return Exists(usages.filter(article_id=OuterRef("pk")))

    def on_order(self, *, at=None):
        """Articles with a usage open at ``at`` (default: now)."""
        return self.filter(self._open_usage(at))

    def in_stock(self, *, at=None):
        return self.filter(~self._open_usage(at))

    def available(self, *, allocation: str = Allocation.RENTAL, at=None):
        """Bookable now: active, allocated to ``allocation`` and, for rental, not on order."""
        qs = self.filter(status=Status.ACTIVE, allocation=allocation)
        if allocation == Allocation.RENTAL:
            qs = qs.in_stock(at=at)
        return qs


class Article(models.Model):
    """One individual physical item, identified by its article number."""

    number = models.CharField(
        max_length=64, help_text="Unique (case-insensitive); an EAN or <SKU code>-<sequence>."
    )
    sku = models.ForeignKey("skus.SKU", on_delete=models.PROTECT, related_name="articles")
    allocation = models.CharField(
        max_length=16, choices=Allocation.choices, default=Allocation.RENTAL
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    condition = models.CharField(max_length=16, choices=Condition.choices, default=Condition.NEW)
    store = models.ForeignKey(Store, on_delete=models.PROTECT, related_name="articles")
    manufacturer = models.CharField(max_length=100, blank=True)
    model = models.CharField(max_length=100, blank=True)
    production_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[
            MinValueValidator(PRODUCTION_YEAR_RANGE[0]),
            MaxValueValidator(PRODUCTION_YEAR_RANGE[1]),
        ],
    )
    serial_number = models.CharField(max_length=100, blank=True)
    purchased_on = models.DateField()
    purchase_price = MoneyField(default=Decimal("0"), validators=NON_NEGATIVE)
    specifications = models.JSONField(
        default=dict, blank=True, help_text="Key/value pairs; they override the SKU's."
    )
    notes = models.TextField(blank=True)
    disposed_at = models.DateTimeField(
        null=True, blank=True, help_text="Set by sale, retirement or loss."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Running totals over the whole ledger, kept by the services in the same
    # transaction as the event that changes them (manage.py recompute_figures
    # rebuilds them). They make listing and sorting by these figures cheap; the
    # reports compute "as of" figures from the ledger itself.
    total_usage_count = models.PositiveIntegerField(default=0, editable=False)
    total_revenue = MoneyField(default=Decimal("0"), editable=False)
    total_expenses = MoneyField(default=Decimal("0"), editable=False)
    total_sale_proceeds = MoneyField(default=Decimal("0"), editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        # What the roles (``inventory_site.roles``) grant beyond Django's add, change,
        # delete and view: money is seen, disposals and corrections are recorded, by
        # managers only.
        permissions = [
            ("view_money", "Can see prices, revenue, costs and figures"),
            ("dispose_article", "Can sell, retire or report articles lost"),
            ("correct_ledger", "Can record expenses and adjustments"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("number"),
                name="article_number_unique_ci",
                violation_error_message="An article with this number already exists.",
            ),
            models.CheckConstraint(
                condition=Q(purchase_price__gte=0), name="article_purchase_price_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(production_year__isnull=True)
                | Q(
                    production_year__gte=PRODUCTION_YEAR_RANGE[0],
                    production_year__lte=PRODUCTION_YEAR_RANGE[1],
                ),
                name="article_production_year_sane",
            ),
            models.CheckConstraint(
                condition=Q(disposed_at__isnull=True) | Q(status__in=DISPOSED_STATUSES),
                name="article_disposed_at_only_when_disposed",
            ),
            models.CheckConstraint(
                condition=Q(allocation__in=Allocation.values), name="article_allocation_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="article_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(condition__in=Condition.values), name="article_condition_valid"
            ),
        ]
        # The admin's search (number, serial number, manufacturer, model: any part of
        # them) is served on PostgreSQL by trigram indexes that migration 0006 adds.
        indexes = [
            models.Index(fields=["sku", "status"], name="article_sku_status_idx"),
            models.Index(fields=["store", "status"], name="article_store_status_idx"),
            # The admin's list: by number (with Django's tie-breaker), a page at a time;
            # the years of purchase from the first and the last.
            models.Index(fields=["number", "-id"], name="article_number_list_idx"),
            # An article looked up by its number in any case (``get_by_number``): on
            # PostgreSQL the trigram index would find every number containing it.
            models.Index(Upper("number"), name="article_number_upper_idx"),
            models.Index(fields=["purchased_on"], name="article_purchased_idx"),
            # Availability (``ArticleQuerySet.available``, the catalog's counts per SKU
            # and store): the active articles alone, counted from the index without
            # reading the table; the id (a key column: SQLite has no INCLUDE) is what
            # the open usages are matched on.
            models.Index(
                fields=["allocation", "sku", "store", "id"],
                condition=Q(status=Status.ACTIVE),
                name="article_available_idx",
            ),
        ]

    def __str__(self):
        return self.number

    def get_absolute_url(self):
        return reverse("articles:detail", args=[self.number])

    @property
    def is_disposed(self) -> bool:
        return self.status in DISPOSED_STATUSES

    def clean(self):
        super().clean()
        errors = specification_errors(self.specifications)
        if errors:
            raise ValidationError({"specifications": [message for _, message in errors]})

    @property
    def merged_specifications(self) -> dict:
        """The SKU's specifications with the article's own laid over them."""
        return {**(self.sku.specifications or {}), **(self.specifications or {})}


class EventQuerySet(models.QuerySet):
    def usages(self):
        return self.filter(kind__in=USAGE_KINDS)

    def open_at(self, at):
        """Usages or downtimes that have started before ``at`` and not ended by it."""
        return self.filter(occurred_at__lt=at).filter(Q(ended_at__isnull=True) | Q(ended_at__gt=at))

    def open(self):
        """Still running: no end recorded."""
        return self.filter(ended_at__isnull=True)

    def overdue(self, *, at=None):
        """Open, and past the moment they were planned to end (default: now)."""
        return self.open().filter(due_at__lt=at or timezone.now())

    def open_downtimes(self):
        return self.filter(kind__in=SERVICE_KINDS, downtime=True, ended_at__isnull=True)

    def chronological(self):
        return self.order_by("occurred_at", "pk")


class Event(models.Model):
    """One entry of an article's history. Append-only: never edited or deleted
    through the product, except that an open usage or downtime gets its end."""

    article = models.ForeignKey(
        Article, on_delete=models.PROTECT, related_name="events", db_index=False
    )
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    occurred_at = models.DateTimeField(
        default=timezone.now, help_text="For usages and downtime: the start."
    )
    ended_at = models.DateTimeField(
        null=True, blank=True, help_text="Usages and downtime only; empty while open."
    )
    downtime = models.BooleanField(
        default=False,
        help_text="Service work only: the article is out of use from start to end.",
    )
    # Zero or more, but for a correction (``kinds.NEGATIVE_KINDS``); the rules say so
    # per kind, the constraints below hold it in the database.
    revenue = MoneyField(default=Decimal("0"))
    cost = MoneyField(default=Decimal("0"))
    due_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Usages and downtime: when it is planned to end; still open after it, "
        "it is overdue.",
    )
    reference = models.CharField(
        max_length=100, blank=True, help_text="Order or work-order id from another system."
    )
    condition = models.CharField(
        max_length=16, choices=Condition.choices, blank=True, help_text="Grade after the event."
    )
    store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Transfer destination.",
    )
    status = models.CharField(
        max_length=16,
        choices=Status.choices,
        blank=True,
        help_text="Status change: the target. Service work: out_of_use when its downtime "
        "took the article out of use.",
    )
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The name survives the deletion of the user.
    recorded_by_name = models.CharField(
        max_length=150, blank=True, default="", db_default="", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)
    source = models.CharField(
        max_length=255,
        blank=True,
        default="",
        db_default="",
        editable=False,
        help_text="Where an imported event came from: the file's name.",
    )
    # Closing an open usage or downtime is the one change an event ever gets.
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    closed_by_name = models.CharField(
        max_length=150, blank=True, default="", db_default="", editable=False
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revenue__gte=0) | Q(kind__in=sorted(NEGATIVE_KINDS)),
                name="event_revenue_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(cost__gte=0) | Q(kind__in=sorted(NEGATIVE_KINDS)),
                name="event_cost_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(due_at__isnull=True)
                | Q(kind__in=sorted(USAGE_KINDS))
                | Q(kind__in=sorted(SERVICE_KINDS), downtime=True),
                name="event_due_at_only_for_usage_or_downtime",
            ),
            models.CheckConstraint(
                condition=Q(due_at__isnull=True) | Q(due_at__gte=models.F("occurred_at")),
                name="event_due_at_after_occurred_at",
            ),
            models.CheckConstraint(
                condition=Q(closed_at__isnull=True) | Q(ended_at__isnull=False),
                name="event_closed_only_when_ended",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("occurred_at")),
                name="event_ended_at_after_occurred_at",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True)
                | Q(kind__in=USAGE_KINDS)
                | Q(kind__in=SERVICE_KINDS, downtime=True),
                name="event_ended_at_only_for_usage_or_downtime",
            ),
            models.CheckConstraint(
                condition=Q(downtime=False) | Q(kind__in=SERVICE_KINDS),
                name="event_downtime_only_for_service_work",
            ),
            models.CheckConstraint(condition=Q(kind__in=EventKind.values), name="event_kind_valid"),
            # On PostgreSQL, migration 0002 adds the exclusion constraint that keeps
            # usages of one article from overlapping (btree_gist) and migration 0004
            # the trigger that refuses any change of a ledger row but its closing;
            # the embedded SQLite database holds neither.
        ]
        # An article's ledger, its usages and the open ones; the newest events first (the
        # admin's list); events of a kind over time (the reports). The article's foreign
        # key has no index of its own: the first two serve it. On PostgreSQL migration
        # 0006 adds a prefix index for the admin's search by reference.
        indexes = [
            models.Index(fields=["article", "occurred_at"], name="event_article_time_idx"),
            models.Index(fields=["-occurred_at", "-id"], name="event_recent_idx"),
            models.Index(
                fields=["article"],
                condition=Q(ended_at__isnull=True, kind__in=sorted(USAGE_KINDS)),
                name="event_open_usage_idx",
            ),
            # The start page's lists of open usages, longest out and earliest due first:
            # without these, "the first six by start" walks the whole ledger's time index.
            models.Index(
                fields=["occurred_at"],
                condition=Q(ended_at__isnull=True, kind__in=sorted(USAGE_KINDS)),
                name="event_open_usage_since_idx",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(ended_at__isnull=True, kind__in=sorted(USAGE_KINDS)),
                name="event_open_usage_due_idx",
            ),
            # The overview's month so far: the usages that ended in it, without reading
            # every usage of the ledger (the open ones come from the index above).
            models.Index(
                fields=["ended_at"],
                condition=Q(ended_at__isnull=False, kind__in=sorted(USAGE_KINDS)),
                name="event_closed_usage_end_idx",
            ),
            models.Index(fields=["kind", "occurred_at"], name="event_kind_time_idx"),
            models.Index(
                fields=["article", "kind", "occurred_at"], name="event_article_kind_time_idx"
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_kind_display()} of {self.article_id} at {self.occurred_at:%Y-%m-%d %H:%M}"
        )

    @property
    def is_usage(self) -> bool:
        return self.kind in USAGE_KINDS

    @property
    def is_overdue(self) -> bool:
        """Open, and past the moment it was planned to end."""
        return self.is_open and self.due_at is not None and self.due_at < timezone.now()

    @property
    def is_open(self) -> bool:
        """A usage, or service work with downtime, that has no end yet."""
        return self.ended_at is None and (
            self.is_usage or (self.kind in SERVICE_KINDS and self.downtime)
        )
