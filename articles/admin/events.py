"""The ledger in the admin: read-only on an article's page, and as a whole.

Append-only: events are recorded from their article's page ("Record an event") or by
an import, and never changed or deleted here; a mistake is corrected with a new event.
"""

from django.contrib import admin
from django.contrib.auth.base_user import AbstractBaseUser
from django.urls import reverse
from django.utils.html import format_html

from interchange.admin import EventImportExportMixin
from inventory_site.admin_common import ADMIN_CSS

from .. import services
from ..models import Event
from .lists import LimitedCountPaginator, OccurredYearFilter, event_search

LEDGER_FIELDS = (
    "when",
    "kind",
    "until",
    "due",
    "revenue",
    "cost",
    "condition",
    "store",
    "status",
    "reference",
    "notes",
    "recorder",
)


class WhoAndWhen:
    """The columns of the ledger that the inline and the list share."""

    @admin.display(description="due", ordering="due_at")
    def due(self, event: Event) -> str:
        """When it should end, flagged "overdue" while it is open past it."""
        if event.due_at is None:
            return ""
        moment = services.format_moment(event.due_at)
        return f"{moment} (overdue)" if event.is_overdue else moment

    @admin.display(description="recorded by")
    def recorder(self, event: Event) -> str:
        """Who recorded the event: the account, or the name kept once it is gone."""
        return _name(event.recorded_by, event.recorded_by_name)

    @admin.display(description="closed by")
    def closer(self, event: Event) -> str:
        """Who ended the usage or downtime, kept like who recorded it."""
        return _name(event.closed_by, event.closed_by_name) if event.closed_at else ""


def _name(user: AbstractBaseUser | None, kept: str) -> str:
    if user is not None:
        return user.get_username()
    return kept or "—"


class EventInline(WhoAndWhen, admin.TabularInline):
    """The article's ledger, oldest first."""

    model = Event
    fk_name = "article"
    template = "admin/articles/article/ledger_inline.html"
    fields = LEDGER_FIELDS
    readonly_fields = LEDGER_FIELDS
    ordering = ["occurred_at", "pk"]
    extra = 0
    can_delete = False
    show_change_link = False
    verbose_name = "ledger entry"
    verbose_name_plural = "ledger"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("store", "recorded_by", "closed_by")

    @admin.display(description="occurred at")
    def when(self, event: Event) -> str:
        return services.format_moment(event.occurred_at)

    @admin.display(description="ended at")
    def until(self, event: Event) -> str:
        if event.ended_at is not None:
            closer = self.closer(event)
            ended = services.format_moment(event.ended_at)
            return f"{ended} ({closer})" if closer else ended
        if event.is_open:
            return "open" if event.is_usage else "open downtime"
        return ""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OverdueFilter(admin.SimpleListFilter):
    """Open usages and downtimes past their due date."""

    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue now")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.overdue()
        return queryset


# The upload mixin declares ``change_list_template`` without ModelAdmin's ClassVar type.
@admin.register(Event)
class EventAdmin(WhoAndWhen, EventImportExportMixin):
    """The whole ledger, newest first, a page at a time (``articles.admin.lists`` says
    how it stays fast over millions of events)."""

    list_display = [
        "occurred_at",
        "article_link",
        "kind",
        "ended_at",
        "due",
        "revenue",
        "cost",
        "condition",
        "store",
        "status",
        "reference",
        "recorder",
    ]
    list_filter = [OverdueFilter, OccurredYearFilter, "kind", "downtime", "condition"]
    # Searched by ``event_search``; Django needs a field here to show the box.
    search_fields = ["reference"]
    search_help_text = "Part of an article number, or the start of a reference."
    paginator = LimitedCountPaginator
    list_select_related = ["article", "store", "recorded_by", "closed_by"]

    view_on_site = False

    class Media:
        css = ADMIN_CSS

    ordering = ["-occurred_at", "-pk"]
    show_full_result_count = False
    list_per_page = 100

    @admin.display(description="article", ordering="article__number")
    def article_link(self, event: Event) -> str:
        url = reverse("admin:articles_article_change", args=[event.article_id])
        return format_html('<a href="{}">{}</a>', url, event.article.number)

    def get_search_results(self, request, queryset, search_term):
        return event_search(queryset, search_term), False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
