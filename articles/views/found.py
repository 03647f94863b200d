"""The article a page's URL names."""

from django.http import Http404

from articles.models import Article


def article_or_404(number: str) -> Article:
    """The article numbered ``number`` in any case, with its SKU and store; a 404 page
    for a number no article has."""
    try:
        return Article.objects.with_list_relations().get_by_number(number)
    except Article.DoesNotExist:
        raise Http404(f"There is no article {number}.") from None
