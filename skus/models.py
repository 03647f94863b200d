from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse

from articles.codes import lookup_code, normalized_field
from articles.fields import MoneyField
from articles.models import specification_errors


class SKUQuerySet(models.QuerySet):
    def get_by_code(self, code: str) -> "SKU":
        """The SKU whose code matches ``code`` case-insensitively, once both are
        normalized (``articles.codes.normalized_code``)."""
        code = lookup_code(code, what="The SKU code", missing=self.model.DoesNotExist)
        return self.get(code__iexact=code)


class SKU(models.Model):
    """A group of similar articles: same model, size and purpose.

    The sell-off parameters are empty to use the installation-wide default of
    SPEC.md "Settings"; the ``effective_*`` properties resolve them.
    """

    code = models.CharField(max_length=64, help_text="Unique, e.g. CITYB-M.")
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    specifications = models.JSONField(
        default=dict,
        blank=True,
        help_text="Key/value pairs shared by every article of the SKU, e.g. size or colour.",
    )
    depreciation_rate = models.DecimalField(
        "annual depreciation rate",
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text="Share of value lost per year, 0 to 1. Empty: the installation default.",
    )
    expected_lifetime_days = models.PositiveIntegerField(
        null=True, blank=True, help_text="Empty: no expected lifetime."
    )
    selloff_window_days = models.PositiveIntegerField(
        "sell-off window (days)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text="Empty: the installation default.",
    )
    replacement_price = MoneyField(
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Price of a new article. Empty: the price of the most recently purchased one.",
    )
    renewal_hurdle = MoneyField(
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Cost and effort of selling one and buying one. Empty: a share of the "
        "replacement price.",
    )
    next_article_sequence = models.PositiveIntegerField(
        default=1,
        editable=False,
        help_text="The sequence number that the next generated article number tries first.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SKUQuerySet.as_manager()

    class Meta:
        verbose_name = "SKU"
        verbose_name_plural = "SKUs"
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                Lower("code"),
                name="sku_code_unique_ci",
                violation_error_message="A SKU with this code already exists.",
            ),
            models.CheckConstraint(
                condition=models.Q(depreciation_rate__isnull=True)
                | models.Q(depreciation_rate__gte=0, depreciation_rate__lte=1),
                name="sku_depreciation_rate_0_1",
            ),
            models.CheckConstraint(
                condition=models.Q(selloff_window_days__isnull=True)
                | models.Q(selloff_window_days__gte=1),
                name="sku_selloff_window_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(replacement_price__isnull=True)
                | models.Q(replacement_price__gte=0),
                name="sku_replacement_price_non_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(renewal_hurdle__isnull=True) | models.Q(renewal_hurdle__gte=0),
                name="sku_renewal_hurdle_non_negative",
            ),
        ]

    def __str__(self):
        return f"{self.code} · {self.name}"

    def get_absolute_url(self):
        return reverse("skus:detail", args=[self.code])

    def clean(self):
        super().clean()
        self.code = normalized_field(self.code, field="code", what="The SKU code")
        # The same bounds as an article's own: every article of the SKU inherits them.
        errors = specification_errors(self.specifications, what="A SKU")
        if errors:
            raise ValidationError({"specifications": [message for _, message in errors]})

    @property
    def effective_depreciation_rate(self) -> Decimal:
        if self.depreciation_rate is None:
            return settings.DEPRECIATION_RATE
        return self.depreciation_rate

    @property
    def effective_selloff_window_days(self) -> int:
        return self.selloff_window_days or settings.SELLOFF_WINDOW_DAYS
