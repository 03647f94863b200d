from interchange.catalog import catalog_table

from ._io import ExportCommand


class Command(ExportCommand):
    help = (
        "Write every catalog item as catalog.csv (or .xlsx), in the format import_catalog "
        "reads, so the file imports back to the same catalog."
    )
    what = "catalog"
    table = staticmethod(catalog_table)
