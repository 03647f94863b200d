"""The tools on one article's page: record an event, end the open usage, end a
downtime. Each is a form whose valid input goes to one service, all or nothing; a
refusal comes back onto the form."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypedDict

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse

from inventory_site.admin_common import acting_user, form_page, missing_object_redirect

from .. import services
from ..forms import EventRecordForm, ServiceEndForm, UsageEndForm, add_service_error
from ..models import Article

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    class OnOrder(TypedDict):
        on_order: bool

    # An article as the article admin's queryset gives it: with ``on_order``.
    ListedArticle = WithAnnotations[Article, OnOrder]


def _article_url(article: Article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


class ArticleToolsAdmin(admin.ModelAdmin):
    """The tools' URLs, permission, views, and the links to them on the change page."""

    def has_record_event_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("articles.add_event")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), **self._tool_context(request, object_id)}
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _tool_context(self, request: HttpRequest, object_id: str | None) -> dict[str, Any]:
        """What the change page's tool links need (templates/.../change_form.html)."""
        if object_id is None:
            return {}
        article = Article.objects.filter(pk=unquote(object_id)).first()
        if article is None:
            return {}
        return {
            "can_record_event": self.has_record_event_permission(request),
            "open_usage": article.events.usages().open().first(),
            "open_downtimes": list(article.events.open_downtimes()),
        }

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(view)

        return [
            path(
                "<path:object_id>/record-event/",
                wrap(self.record_event_view),
                name="articles_article_record_event",
            ),
            path(
                "<path:object_id>/end-usage/",
                wrap(self.end_usage_view),
                name="articles_article_end_usage",
            ),
            path(
                "<path:object_id>/end-downtime/<int:event_id>/",
                wrap(self.end_downtime_view),
                name="articles_article_end_downtime",
            ),
            *super().get_urls(),
        ]

    def _tool_article(self, request: HttpRequest, object_id: str) -> "ListedArticle | None":
        if not self.has_record_event_permission(request):
            raise PermissionDenied
        article = self.get_object(request, unquote(object_id))
        if article is not None and not self.has_view_permission(request, article):
            raise PermissionDenied
        return article

    def _tool_view(
        self,
        request: HttpRequest,
        article: Article,
        form_class: type[forms.Form],
        call: Callable[[dict[str, Any]], object],
        *,
        title: str,
        submit_label: str,
        done: str,
        intro: str = "",
    ) -> HttpResponse:
        """Show ``form_class``; on a valid POST ``call`` the service with the cleaned
        data, all or nothing, and put a refusal on the form."""
        form = form_class(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    call(form.cleaned_data)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                self.message_user(request, done, messages.SUCCESS)
                return HttpResponseRedirect(_article_url(article))
        return form_page(
            self,
            request,
            form,
            title=title,
            submit_label=submit_label,
            cancel_url=_article_url(article),
            original=article,
            intro=intro,
        )

    def record_event_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        article = self._tool_article(request, object_id)
        if article is None:
            return missing_object_redirect(self, request, object_id)

        def record(data: dict[str, Any]) -> None:
            services.event_record(article=article, acting_user=acting_user(request), **data)

        return self._tool_view(
            request,
            article,
            EventRecordForm,
            record,
            title="Record an event",
            submit_label="Record",
            done=f"The event was recorded in the ledger of {article.number}.",
            intro=(
                f"{article.number} is {article.get_status_display().lower()} in {article.store}"
                f"{', on order' if article.on_order else ''}. The event goes through the same "
                "rules as every other way of recording it."
            ),
        )

    def end_usage_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        article = self._tool_article(request, object_id)
        if article is None:
            return missing_object_redirect(self, request, object_id)
        usage = article.events.usages().open().first()
        if usage is None:
            self.message_user(request, f"{article.number} is not on order.", messages.WARNING)
            return HttpResponseRedirect(_article_url(article))

        def end(data: dict[str, Any]) -> None:
            services.usage_end(article=article, acting_user=acting_user(request), **data)

        return self._tool_view(
            request,
            article,
            UsageEndForm,
            end,
            title=f"End the open {usage.get_kind_display().lower()}",
            submit_label="End it",
            done=f"The {usage.get_kind_display().lower()} of {article.number} has ended.",
            intro=(
                f"{usage.get_kind_display()} since {services.format_moment(usage.occurred_at)}"
                f"{f' ({usage.reference})' if usage.reference else ''}."
            ),
        )

    def end_downtime_view(
        self, request: HttpRequest, object_id: str, event_id: int
    ) -> HttpResponse:
        article = self._tool_article(request, object_id)
        if article is None:
            return missing_object_redirect(self, request, object_id)
        downtime = article.events.open_downtimes().filter(pk=event_id).first()
        if downtime is None:
            self.message_user(
                request, f"{article.number} has no such open downtime.", messages.WARNING
            )
            return HttpResponseRedirect(_article_url(article))

        def end(data: dict[str, Any]) -> None:
            services.service_end(event=downtime, acting_user=acting_user(request), **data)

        return self._tool_view(
            request,
            article,
            ServiceEndForm,
            end,
            title=f"End the downtime of a {downtime.get_kind_display().lower()}",
            submit_label="End it",
            done=f"The downtime of {article.number} has ended.",
            intro=(
                f"{downtime.get_kind_display()} with downtime since "
                f"{services.format_moment(downtime.occurred_at)}"
                f"{f' ({downtime.reference})' if downtime.reference else ''}."
            ),
        )
