from articles.imports import articles_import

from ._io import ImportCommand


class Command(ImportCommand):
    help = (
        "Add or update articles from an articles.csv or .xlsx file (SPEC.md 'Files in and "
        "out'). Every row is checked first; with any error nothing is written. Columns: "
        "number,sku_code,sku_name,allocation,status,condition,manufacturer,model,"
        "production_year,serial_number,store,purchased_on,purchase_price; any further "
        "column is a specification. store, status and condition apply to new articles: "
        "an existing article's change through events."
    )
    what = "articles"
    importer = staticmethod(articles_import)
