from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from interchange.catalog import CATALOG_COLUMNS, catalog_import
from interchange.imports import ImportFailed


class Command(BaseCommand):
    help = (
        "Add or update catalog items from a catalog.csv or .xlsx file (columns "
        f"{','.join(CATALOG_COLUMNS)}; slots written 2xHELMET|1xCITYB-M/CITYB-L). Every "
        "row is checked; with any error nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The catalog file: .csv (UTF-8) or .xlsx.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check every row and say what would happen; write nothing.",
        )

    def handle(self, *args, path, dry_run, **options):
        if not Path(path).is_file():
            raise CommandError(f"There is no file {path}.")
        try:
            result = catalog_import(path=path, dry_run=dry_run)
        except ImportFailed as problem:
            for error in problem.errors:
                self.stderr.write(str(error))
            count = len(problem.errors)
            raise CommandError(
                f"{path}: {count} error{'s' if count > 1 else ''}; nothing was written."
            ) from None
        self.stdout.write(self.style.SUCCESS(result.summary()))
