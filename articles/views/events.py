"""``/articles/<number>/events/new/?kind=<kind>``: the form that records one event of
an article, and with ``&end=1`` the form that ends its open rental, subscription or
downtime of that kind.

The checks run in the order a person would want to hear them: an unknown kind or
article is a 404 page that says so; a kind the user may not record is a 403; a kind
the article's state does not allow now is a page that says why (409), with the way
back to the article; otherwise the form, whose service's refusal is shown on it.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import TemplateView

from articles.event_forms import (
    DowntimeEndForm,
    EventForm,
    Situation,
    UsageEndForm,
    add_service_error,
    open_descriptions,
    refusal,
    short_moment,
    status_targets,
)
from articles.kinds import KINDS
from articles.models import Article, EventKind

from .found import article_or_404

TRUE_WORDS = ("1", "true", "yes", "on")

EventForms = EventForm | UsageEndForm | DowntimeEndForm


class EventNewView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Record one event of the article, or end what is open, through the services."""

    permission_required = "articles.view_article"
    template_name = "articles/event_form.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        self.kind = request.GET.get("kind", "")
        self.end = request.GET.get("end", "").lower() in TRUE_WORDS
        return super().dispatch(request, *args, **kwargs)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.handle(request, bound=False)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self.handle(request, bound=True)

    def handle(self, request: HttpRequest, *, bound: bool) -> HttpResponse:
        article = article_or_404(self.kwargs["number"])
        spec = KINDS.get(self.kind)
        if spec is None:
            what = f"“{self.kind}”" if self.kind else "none"
            return self.problem(
                article,
                f"There is no such kind of event ({what}); choose one on the article's page.",
                status=404,
            )
        if not request.user.has_perm(spec.permission):
            raise PermissionDenied(f"You may not record {spec.label.lower()} events.")
        situation = Situation.of(article)
        refused = refusal(situation, self.kind, end=self.end, user=request.user)
        if refused:
            return self.problem(article, refused, status=409)
        form = self.form(situation, data=request.POST if bound else None)
        if bound and form.is_valid():
            try:
                event = form.save(acting_user=request.user)
            except ValidationError as error:
                add_service_error(form, error)
            else:
                messages.success(request, form.done(event))
                return HttpResponseRedirect(reverse("articles:detail", args=[article.number]))
        return self.render_to_response(
            self.get_context_data(
                article=article,
                form=form,
                title=self.title(situation),
                intro=self.intro(situation),
                submit_label=self.title(situation),
            )
        )

    def form(self, situation: Situation, *, data: Any) -> EventForms:
        if self.end and KINDS[self.kind].usage:
            return UsageEndForm(
                data,
                situation=situation,
                sees_money=self.request.user.has_perm("articles.view_money"),
            )
        if self.end:
            return DowntimeEndForm(data, situation=situation, kind=self.kind)
        return EventForm(
            data,
            situation=situation,
            kind=self.kind,
            user=self.request.user,
            status=self.request.GET.get("status", ""),
        )

    def title(self, situation: Situation) -> str:
        """The page's heading and its button: "Start rental", "End repair", "Found"."""
        spec = KINDS[self.kind]
        preset = self.request.GET.get("status", "")
        if spec.kind == EventKind.STATUS_CHANGE and preset:
            targets = dict(status_targets(situation, self.request.user))
            if preset in targets:
                return targets[preset]
        if self.end:
            return f"End {spec.label.lower()}"
        if spec.usage:
            return f"Start {spec.label.lower()}"
        return f"Record {spec.label.lower()}"

    def intro(self, situation: Situation) -> str:
        """Where the article stands, in a sentence, above the form."""
        article = situation.article
        where = "last in" if article.is_disposed else "in"
        parts = [
            f"{article.number} ({article.sku.name}) is {article.get_status_display().lower()} "
            f"{where} {article.store}, in {article.get_condition_display().lower()} condition"
        ]
        usage = situation.open_usage
        if usage is not None:
            reference = f" ({usage.reference})" if usage.reference else ""
            parts.append(
                f"on {usage.get_kind_display().lower()}{reference} since "
                f"{short_moment(usage.occurred_at)}"
                + (f", due back {short_moment(usage.due_at)}" if usage.due_at else "")
                + (" (overdue)" if usage.is_overdue else "")
            )
        downtimes = open_descriptions(situation.open_downtimes)
        if downtimes:
            parts.append("open: " + "; ".join(downtimes))
        return "; ".join(parts) + "."

    def problem(self, article: Article, message: str, *, status: int) -> HttpResponse:
        """The page that says why there is no form."""
        context = self.get_context_data(article=article, problem=message, title="Nothing to record")
        return self.render_to_response(context, status=status)
