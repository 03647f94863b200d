"""Adding articles (one, or a batch into a SKU) and editing an article's descriptive
fields. The forms collect; ``article_create``, ``articles_create_batch`` and
``article_update`` decide, all or nothing, and their refusal comes back onto the form.
"""

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.views.generic import TemplateView

from articles import services
from articles.article_forms import (
    ArticleAddForm,
    ArticleEditForm,
    BaseSpecificationFormSet,
    SpecificationFormSet,
    StaffArticleBatchForm,
    shown_value,
    sku_from_code,
)
from articles.forms import add_service_error
from articles.models import (
    MAX_SPECIFICATION_KEY,
    MAX_SPECIFICATION_VALUE,
    MAX_SPECIFICATIONS,
    Article,
)
from skus.models import SKU

from .found import article_or_404

SPECIFICATIONS_PREFIX = "specs"
# A batch's success message names its numbers when there are no more than these.
NAMED_NUMBERS = 10


def _both_valid(form: forms.BaseForm, formset: BaseSpecificationFormSet) -> bool:
    """Validate both, so that the rows show their errors beside the form's."""
    form_valid = form.is_valid()
    return formset.is_valid() and form_valid


def _chosen_sku(form: forms.BaseForm) -> SKU | None:
    """The SKU a validated form has chosen, for the SKU's specifications beside the rows."""
    sku = form.cleaned_data.get("sku")
    return sku if isinstance(sku, SKU) else None


def specifications_context(sku: SKU | None, own: dict[str, Any]) -> dict[str, Any]:
    """What the rows and the SKU's specifications beside them show: the SKU's pairs as
    text, each marked when the article's own override it, and the limits."""
    shared = (sku.specifications or {}) if sku else {}
    return {
        "sku": sku,
        "sku_specifications": [
            (key, shown_value(value), key in own) for key, value in sorted(shared.items())
        ],
        "limits": {
            "count": MAX_SPECIFICATIONS,
            "key": MAX_SPECIFICATION_KEY,
            "value": MAX_SPECIFICATION_VALUE,
        },
    }


class _ArticleFormPage(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """A page whose form goes to a service: the permission is checked for GET and
    POST alike (a signed-in user without it gets 403)."""

    def sees_money(self) -> bool:
        return self.request.user.has_perm("articles.view_money")

    def render_form(
        self,
        form: forms.BaseForm,
        formset: BaseSpecificationFormSet,
        sku: SKU | None,
        **extra: Any,
    ) -> HttpResponse:
        """The page with the form, the rows, and the SKU's specifications beside them
        (marked where the rows, as saved or as valid input, override them)."""
        if formset.is_bound:
            own = formset.specifications() if formset.is_valid() else {}
        else:
            own = formset.original
        return self.render_to_response(
            self.get_context_data(
                form=form, formset=formset, **specifications_context(sku, own), **extra
            )
        )


class ArticleAddView(_ArticleFormPage):
    """``/articles/new/``: one article, with a number of its own or the next of its
    SKU; ``?sku=CODE`` chooses the SKU."""

    permission_required = "articles.add_article"
    template_name = "articles/add.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        sku = sku_from_code(request.GET.get("sku"))
        form = ArticleAddForm(initial={"sku": sku}, sees_money=self.sees_money())
        formset = SpecificationFormSet(prefix=SPECIFICATIONS_PREFIX)
        return self.render_form(form, formset, sku, unknown_sku=self._unknown())

    def _unknown(self) -> str:
        code = self.request.GET.get("sku", "")
        return code if code and sku_from_code(code) is None else ""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ArticleAddForm(request.POST, sees_money=self.sees_money())
        formset = SpecificationFormSet(request.POST, prefix=SPECIFICATIONS_PREFIX)
        if _both_valid(form, formset):
            try:
                article = services.article_create(
                    **form.service_arguments(),
                    specifications=formset.specifications(),
                    acting_user=request.user,
                )
            except ValidationError as refusal:
                add_service_error(form, refusal)
            else:
                label = reverse("articles:label", args=[article.number])
                messages.success(
                    request,
                    format_html(
                        'Added {} ({}) in {}. <a href="{}">Print its label</a>.',
                        article.number,
                        article.sku.name,
                        article.store.name,
                        label,
                    ),
                )
                return HttpResponseRedirect(reverse("articles:detail", args=[article.number]))
        return self.render_form(form, formset, _chosen_sku(form))


class ArticleBatchAddView(_ArticleFormPage):
    """``/articles/new/batch/``: many articles of one SKU that share their store,
    purchase and description, with generated numbers or a pasted list of numbers;
    all of them or none."""

    permission_required = "articles.add_article"
    template_name = "articles/add_batch.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        sku = sku_from_code(request.GET.get("sku"))
        form = StaffArticleBatchForm(initial={"sku": sku}, sees_money=self.sees_money())
        formset = SpecificationFormSet(prefix=SPECIFICATIONS_PREFIX)
        return self.render_form(form, formset, sku)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = StaffArticleBatchForm(request.POST, sees_money=self.sees_money())
        formset = SpecificationFormSet(request.POST, prefix=SPECIFICATIONS_PREFIX)
        if _both_valid(form, formset):
            try:
                articles = services.articles_create_batch(
                    **form.service_arguments(),
                    specifications=formset.specifications(),
                    acting_user=request.user,
                )
            except ValidationError as refusal:
                add_service_error(form, refusal)
            else:
                messages.success(request, batch_message(articles, form.cleaned_data))
                sku = form.cleaned_data["sku"]
                return HttpResponseRedirect(
                    f"{reverse('articles:add_batch')}?{urlencode({'sku': sku.code})}"
                )
        return self.render_form(form, formset, _chosen_sku(form))


def batch_message(articles: list[Article], data: dict[str, Any]) -> str:
    """How many were added, their numbers, and links to them in the list and to
    their labels (the SKU's, bought that day in that store)."""
    sku: SKU = data["sku"]
    numbers = [article.number for article in articles]
    few = len(numbers) <= NAMED_NUMBERS
    named = ", ".join(numbers) if few else f"{numbers[0]} … {numbers[-1]}"
    listed = f"{reverse('articles:list')}?{urlencode({'sku': sku.code})}"
    labels = f"{reverse('labels')}?" + urlencode(
        {
            "sku": sku.code,
            "store": data["store"].pk,
            "status": data["status"],
            "purchased_on": data["purchased_on"].isoformat(),
        }
    )
    return format_html(
        'Added {} article{} to {} ({}): {}. <a href="{}">See the SKU\'s articles</a> · '
        '<a href="{}">Print their labels</a>.',
        len(articles),
        "" if len(articles) == 1 else "s",
        sku.name,
        sku.code,
        named,
        listed,
        labels,
    )


class ArticleEditView(_ArticleFormPage):
    """``/articles/<number>/edit/``: the descriptive fields and the specifications as
    rows, with the SKU's specifications beside them. Status, store and condition
    change through events; the purchase price only for someone who sees money."""

    permission_required = "articles.change_article"
    template_name = "articles/edit.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        article = article_or_404(kwargs["number"])
        form = ArticleEditForm(instance=article, sees_money=self.sees_money())
        formset = SpecificationFormSet(
            prefix=SPECIFICATIONS_PREFIX, original=article.specifications
        )
        return self.render_page(article, form, formset)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        article = article_or_404(kwargs["number"])
        form = ArticleEditForm(request.POST, instance=article, sees_money=self.sees_money())
        formset = SpecificationFormSet(
            request.POST, prefix=SPECIFICATIONS_PREFIX, original=article.specifications
        )
        if _both_valid(form, formset):
            data = {**form.changes(), "specifications": formset.specifications()}
            try:
                updated = services.article_update(
                    article=article, data=data, acting_user=request.user
                )
            except ValidationError as refusal:
                add_service_error(form, refusal)
            else:
                messages.success(request, f"Saved {updated.number}.")
                return HttpResponseRedirect(reverse("articles:detail", args=[updated.number]))
        return self.render_page(article, form, formset)

    def render_page(
        self, article: Article, form: ArticleEditForm, formset: BaseSpecificationFormSet
    ) -> HttpResponse:
        return self.render_form(form, formset, article.sku, article=article)
