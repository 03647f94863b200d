"""The changelist actions on articles, declared in one table.

Each action calls one service for every selected article (``article=`` and
``acting_user=``, plus the cleaned data of its form when it asks for input first), all
or nothing: the first refusal rolls every change back and is shown as a message.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from inventory_site.admin_common import acting_user, form_page

from .. import services
from ..forms import (
    ReportLostActionForm,
    RetireActionForm,
    StatusChangeActionForm,
    TransferActionForm,
)
from ..models import Article


@dataclass(frozen=True)
class ArticleAction:
    """One changelist action. With a ``form`` it first shows an intermediate page
    titled ``title`` whose button reads ``submit_label``; ``done`` starts the message
    of success ("Transferred: 2 article(s).")."""

    name: str
    description: str
    service: Callable[..., object]
    done: str
    form: type[forms.Form] | None = None
    title: str = ""
    submit_label: str = ""


ARTICLE_ACTIONS: tuple[ArticleAction, ...] = (
    ArticleAction(
        name="transfer_action",
        description="Transfer to a store",
        service=services.article_transfer,
        done="Transferred",
        form=TransferActionForm,
        title="Transfer articles to a store",
        submit_label="Transfer",
    ),
    ArticleAction(
        name="status_change_action",
        description="Change status (with a reason)",
        service=services.article_status_change,
        done="Status changed",
        form=StatusChangeActionForm,
        title="Change the status of articles",
        submit_label="Change status",
    ),
    ArticleAction(
        name="retire_action",
        description="Retire",
        service=services.article_retire,
        done="Retired",
        form=RetireActionForm,
        title="Retire articles",
        submit_label="Retire",
    ),
    ArticleAction(
        name="report_lost_action",
        description="Report lost",
        service=services.article_report_lost,
        done="Reported lost",
        form=ReportLostActionForm,
        title="Report articles lost",
        submit_label="Report lost",
    ),
    ArticleAction(
        name="found_action",
        description="Mark found",
        service=services.article_found,
        done="Found",
    ),
    ArticleAction(
        name="end_usages_action",
        description="End open usages now",
        service=services.usage_end,
        done="Usages ended",
    ),
)

AdminAction = Callable[[admin.ModelAdmin, HttpRequest, QuerySet[Article]], HttpResponse | None]


def _refusal_text(article: Article, error: ValidationError) -> str:
    text = " ".join(error.messages)
    return text if text.startswith(article.number) else f"{article.number}: {text}"


def _selected_line(article: Article) -> str:
    return (
        f"{article.number} · {article.sku.code} · {article.get_status_display()} · {article.store}"
    )


def _apply(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Article],
    action: ArticleAction,
    data: dict[str, Any],
) -> None:
    """Call the action's service for every selected article, all or nothing."""
    articles = list(queryset.select_related(None).order_by("number"))
    user = acting_user(request)
    current: Article | None = None
    try:
        with transaction.atomic():
            for current in articles:
                action.service(article=current, acting_user=user, **data)
    except ValidationError as error:
        assert current is not None  # a refusal comes from the call on one article
        model_admin.message_user(
            request, f"Nothing was changed. {_refusal_text(current, error)}", messages.ERROR
        )
        return
    model_admin.message_user(
        request, f"{action.done}: {len(articles)} article(s).", messages.SUCCESS
    )


def run_action(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet[Article],
    action: ArticleAction,
) -> HttpResponse | None:
    """Apply ``action``, after its intermediate page when it asks for input."""
    if action.form is None:
        _apply(model_admin, request, queryset, action, {})
        return None
    form = action.form(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        _apply(model_admin, request, queryset, action, form.cleaned_data)
        return None
    articles = list(queryset.select_related("sku", "store").order_by("number"))
    return form_page(
        model_admin,
        request,
        form,
        title=action.title,
        submit_label=action.submit_label,
        cancel_url="",
        intro=(
            f"{len(articles)} article{'' if len(articles) == 1 else 's'} selected; "
            "all of them change, or none if one is refused:"
        ),
        action=action.name,
        selected=[(article.pk, _selected_line(article)) for article in articles],
    )


def admin_action(action: ArticleAction) -> AdminAction:
    """``action`` as a function for ``ModelAdmin.actions``, named after it and
    offered only to those who may record events."""

    def run(
        model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Article]
    ) -> HttpResponse | None:
        return run_action(model_admin, request, queryset, action)

    run.__name__ = action.name
    return admin.action(description=action.description, permissions=["record_event"])(run)
