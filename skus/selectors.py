"""Reads for the SKU pages: SKUs with their articles counted by status, a SKU's
articles, and the catalog items that use a SKU."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from articles.models import Article, Event, Status
from catalog_link.models import CatalogItem

from .models import SKU, SKUQuerySet

# The counts of ``skus_with_counts``, in the order the pages show them, with their
# labels: each status, and the active articles out on a rental or subscription now.
STATUS_COUNTS: tuple[tuple[str, str], ...] = (
    ("articles_count", "Articles"),
    ("active", Status.ACTIVE.label),
    ("on_order", "On order now"),
    ("out_of_use", Status.OUT_OF_USE.label),
    ("sold", Status.SOLD.label),
    ("retired", Status.RETIRED.label),
    ("lost", Status.LOST.label),
)


def _open_usage_of_joined_article() -> Q:
    """Whether the article joined to the SKU has a usage open now: without an end, as
    ``Article.objects.on_order()`` reads it. The open usages' articles are read once
    from their partial index and looked up in a hash, not probed per article."""
    return Q(articles__pk__in=Event.objects.usages().open().values("article_id"))


def skus_with_counts() -> SKUQuerySet:
    """Every SKU with its articles counted by status, and those on order now (active
    with a usage open), as conditional aggregates of one statement."""
    by_status = {
        name: Count("articles", filter=Q(articles__status=status))
        for name, status in (
            ("active", Status.ACTIVE),
            ("out_of_use", Status.OUT_OF_USE),
            ("sold", Status.SOLD),
            ("retired", Status.RETIRED),
            ("lost", Status.LOST),
        )
    }
    on_order = Count(
        "articles",
        filter=Q(articles__status=Status.ACTIVE) & _open_usage_of_joined_article(),
    )
    counted = SKU.objects.annotate(articles_count=Count("articles"), on_order=on_order, **by_status)
    return counted.order_by("code")


def sku_articles(sku: SKU) -> QuerySet[Article]:
    """The SKU's articles with their store, each marked whether it is on order now."""
    open_usage = Event.objects.usages().open().filter(article_id=OuterRef("pk"))
    return (
        sku.articles.select_related("store")
        .annotate(on_order=Exists(open_usage))
        .order_by("number")
    )


def sku_catalog_items(sku: SKU) -> QuerySet[CatalogItem]:
    """The catalog items with a slot that takes ``sku``, by code."""
    return CatalogItem.objects.filter(slots__skus=sku).distinct().order_by("code")
