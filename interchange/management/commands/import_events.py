from interchange.imports import events_import

from ._io import ImportCommand


class Command(ImportCommand):
    help = (
        "Apply the rows of an events.csv or .xlsx file to the ledger (SPEC.md 'Files in and "
        "out'), per article in occurred_at order through the rules of the services. Every "
        "row is checked first; with any error nothing is written. Rows already recorded "
        "are skipped; a row that ends an open usage or downtime closes it."
    )
    what = "events"
    importer = staticmethod(events_import)
