from interchange.exports import events_table

from ._io import ExportCommand


class Command(ExportCommand):
    help = (
        "Write the whole ledger as events.csv (or .xlsx), per article in time order, in "
        "the format import_events reads."
    )
    what = "events"
    table = staticmethod(events_table)
