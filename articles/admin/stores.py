"""The admin of stores: each with the number of articles it holds."""

from typing import TYPE_CHECKING, TypedDict

from django.contrib import admin
from django.db.models import Count

from ..models import Store

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class ArticleCount(TypedDict):
        article_count: int


@admin.register(Store)
class StoreAdmin(admin.ModelAdmin):
    list_display = ["name", "article_count", "address"]
    search_fields = ["name"]
    ordering = ["name"]
    view_on_site = False  # the annotation's GROUP BY drops Meta.ordering
    readonly_fields = ["created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(article_count=Count("articles"))

    @admin.display(description="articles", ordering="article_count")
    def article_count(self, store: "WithAnnotations[Store, ArticleCount]") -> int:
        return store.article_count

    def has_delete_permission(self, request, obj=None):
        # A store that holds (or held) articles keeps them in their ledgers.
        if obj is not None and obj.articles.exists():
            return False
        return super().has_delete_permission(request, obj)
