from interchange.columns import ARTICLES
from interchange.imports import articles_import

from ._io import ImportCommand


class Command(ImportCommand):
    help = (
        "Add or update articles from an articles.csv or .xlsx file (SPEC.md 'Files in and "
        "out'). Every row is checked first; with any error nothing is written. "
        f"{ARTICLES.describe(separator=',')} store, status and condition apply to new "
        "articles: an existing article's change through events."
    )
    what = "articles"
    importer = staticmethod(articles_import)
