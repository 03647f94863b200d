"""Printable labels: one article's (``/articles/<number>/label/``) and a sheet of many
(``/labels/?sku=``). A label holds the article number, the SKU's name and a QR code of
the article's page, so that a phone or scanner opens the article from the shelf.

The QR code is made here with segno, as inline SVG: no image request, no JavaScript,
and segno's SVG draws with ``stroke`` attributes, never a ``style`` attribute, so the
Content-Security-Policy (no inline style) lets it show.
"""

from typing import Any

import segno
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.paginator import Paginator
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import SafeString, mark_safe
from django.views.generic import TemplateView

from articles.article_forms import LabelSheetForm
from articles.models import Article, Status
from skus.models import SKU

from .found import article_or_404

# Labels on one sheet: enough for a delivery, few enough to make their QR codes in
# about a second. A larger selection is printed a sheet at a time.
SHEET_SIZE = 500


def article_page_url(request: HttpRequest, article: Article) -> str | None:
    """The absolute address of the article's staff page, which its QR code holds; None
    for a number that cannot be part of an address (one with a slash)."""
    try:
        path = reverse("articles:detail", args=[article.number])
    except NoReverseMatch:
        return None
    return request.build_absolute_uri(path)


def qr_svg(text: str) -> SafeString:
    """``text`` as a QR code (error correction M: a scuffed label still scans), as SVG
    markup to put in the page. Its size comes from the stylesheet (``svg.qr``)."""
    code = segno.make_qr(text, error="m")
    # segno writes only its own path data and the classes given here: safe markup.
    return mark_safe(code.svg_inline(omitsize=True, svgclass="qr", lineclass="qr-line"))


def label_of(request: HttpRequest, article: Article) -> dict[str, Any]:
    url = article_page_url(request, article)
    return {"article": article, "url": url, "qr": qr_svg(url) if url else ""}


class ArticleLabelView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """One article's label, laid out for a 62 × 29 mm label when printed."""

    permission_required = "articles.view_article"
    template_name = "articles/label.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        article = article_or_404(kwargs["number"])
        return super().get_context_data(**kwargs, label=label_of(self.request, article))


class LabelSheetView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Labels of many articles on A4 sheets: a SKU's, active ones unless asked
    otherwise, at most ``SHEET_SIZE`` at a time."""

    permission_required = "articles.view_article"
    template_name = "articles/labels.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        params = self.request.GET
        form = LabelSheetForm(params if "sku" in params else None)
        context = super().get_context_data(
            **kwargs,
            form=form,
            sheet_size=SHEET_SIZE,
            sku_codes=SKU.objects.order_by("code").values_list("code", "name"),
        )
        if not form.is_bound or not form.is_valid():
            return context
        page = Paginator(form.articles(), SHEET_SIZE).get_page(params.get("page"))
        query = params.copy()
        query.pop("page", None)
        return {
            **context,
            "sku": form.cleaned_data["sku"],
            "status": form.cleaned_data["status"],
            "status_label": dict(Status.choices).get(form.cleaned_data["status"], ""),
            "page": page,
            "query": query.urlencode(),
            "labels": [label_of(self.request, article) for article in page.object_list],
        }
