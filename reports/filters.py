import django_filters

from articles.models import Allocation, Article, Status, Store
from skus.models import SKU


class ArticleFigureFilter(django_filters.FilterSet):
    """Which articles the article-figures page lists."""

    number = django_filters.CharFilter(lookup_expr="icontains", label="Number contains")
    sku = django_filters.ModelChoiceFilter(queryset=SKU.objects.only("code", "name"), label="SKU")
    store = django_filters.ModelChoiceFilter(queryset=Store.objects.all())
    status = django_filters.ChoiceFilter(choices=Status.choices)
    allocation = django_filters.ChoiceFilter(choices=Allocation.choices)
    order = django_filters.OrderingFilter(
        fields=(
            ("number", "number"),
            ("total_revenue", "revenue"),
            ("total_usage_count", "usage_count"),
            ("purchased_on", "purchased_on"),
        ),
        field_labels={
            "total_revenue": "Lifetime revenue",
            "total_usage_count": "Lifetime usage count",
        },
        label="Order by",
    )

    class Meta:
        model = Article
        fields = ["number", "sku", "store", "status", "allocation"]
