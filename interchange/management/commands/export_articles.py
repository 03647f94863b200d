from interchange.exports import articles_table

from ._io import ExportCommand


class Command(ExportCommand):
    help = (
        "Write every article as articles.csv (or .xlsx), in the format import_articles "
        "reads: store, status and condition as the article entered the fleet (what came "
        "after is in export_events)."
    )
    what = "articles"
    table = staticmethod(articles_table)
