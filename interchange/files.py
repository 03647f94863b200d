"""The three files a manager moves in and out (articles, events, the catalog), declared
once: how each is imported and exported, how its columns read, and who may import it.

The admin's upload pages (``interchange.admin``) and the staff page ``/imports/``
(``interchange.views``) are both made from ``FILES``, and the header's "Imports" link
shows for exactly the users the page lets in (``may_open_imports``, also a template
filter in ``interchange.templatetags.imports_access``).
"""

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from django.contrib.auth.models import AnonymousUser, User

from .catalog import CATALOG_COLUMNS, catalog_import, catalog_table
from .columns import ARTICLES, EVENTS, Column, FileColumns
from .exports import articles_table, events_table
from .imports import ImportResult, articles_import, events_import
from .imports.results import ActingUser

# The staff page of imports and downloads is a Manager's page: it shows purchase prices
# (money) and writes the ledger in bulk, which only those who may correct it do.
PAGE_PERMISSIONS = ("articles.view_money", "articles.add_article", "articles.correct_ledger")


class Importer(Protocol):
    """How the upload pages call an import: the stored file, the upload's own name,
    whether to only check, and who runs it."""

    def __call__(
        self,
        *,
        path: Path | str,
        name: str = ...,
        dry_run: bool = ...,
        acting_user: ActingUser = ...,
    ) -> ImportResult: ...


# The header and the rows of a file, text cells already spreadsheet-safe.
TableMaker = Callable[[], tuple[list[str], Iterator[list[str]]]]


@dataclass(frozen=True)
class ExchangedFile:
    """One file: ``what`` names it in URLs and forms, ``label`` on the pages, ``rows_are``
    what its rows add; ``explanation`` says what a row does (on every upload page);
    ``permissions`` are needed to import it, ``view_permission`` to download it."""

    what: str
    label: str
    rows_are: str
    importer: Importer
    table: TableMaker
    columns: FileColumns
    permissions: tuple[str, ...]
    view_permission: str
    explanation: str

    def may_import(self, user: User | AnonymousUser) -> bool:
        return user.has_perms(self.permissions)

    def may_export(self, user: User | AnonymousUser) -> bool:
        return user.has_perm(self.view_permission)


def _catalog_import(
    *, path: Path | str, name: str = "", dry_run: bool = False, acting_user: ActingUser = None
) -> ImportResult:
    """``catalog_import`` called as the upload pages call an import; a catalog change is
    not an event of an article's ledger, so the acting user is not recorded."""
    return catalog_import(path=path, name=name, dry_run=dry_run)


class CatalogColumns(FileColumns):
    """``catalog.csv``'s columns, described with how its slots are written."""

    def describe(self, separator: str = ", ") -> str:
        return (
            super().describe(separator)
            + " Slots are written 2xHELMET|1xCITYB-M/CITYB-L: slots separated by |, each"
            " <units>x and its alternative SKU codes separated by /."
        )


CATALOG = CatalogColumns(
    file_name="catalog.csv", columns=tuple(Column(name, required=True) for name in CATALOG_COLUMNS)
)

FILES: dict[str, ExchangedFile] = {
    file.what: file
    for file in (
        ExchangedFile(
            what="articles",
            label="Articles",
            rows_are="articles",
            importer=articles_import,
            table=articles_table,
            columns=ARTICLES,
            permissions=("articles.add_article", "articles.change_article"),
            view_permission="articles.view_article",
            explanation=(
                "A row adds the article or, if its number exists, updates it. New SKUs and "
                "stores are created."
            ),
        ),
        ExchangedFile(
            what="events",
            label="Events (the ledger)",
            rows_are="events",
            importer=events_import,
            table=events_table,
            columns=EVENTS,
            permissions=("articles.add_event",),
            view_permission="articles.view_event",
            explanation=(
                "Rows are applied per article in time order through the same rules as the "
                "forms; rows already recorded are skipped, and a row that ends an open usage "
                "or downtime closes it."
            ),
        ),
        ExchangedFile(
            what="catalog",
            label="Catalog",
            rows_are="catalog items",
            importer=_catalog_import,
            table=catalog_table,
            columns=CATALOG,
            permissions=("catalog_link.add_catalogitem", "catalog_link.change_catalogitem"),
            view_permission="catalog_link.view_catalogitem",
            explanation=(
                "A row adds the catalog item or, if its code exists, replaces its fields and "
                "slots; a row equal to the stored item is skipped, and items not in the file are "
                "left alone."
            ),
        ),
    )
}


def may_open_imports(user: User | AnonymousUser) -> bool:
    """Whether ``user`` may open ``/imports/`` (and sees its link in the header)."""
    return user.has_perms(PAGE_PERMISSIONS)


def importable_files(user: User | AnonymousUser) -> list[ExchangedFile]:
    return [file for file in FILES.values() if file.may_import(user)]


def exportable_files(user: User | AnonymousUser) -> list[ExchangedFile]:
    return [file for file in FILES.values() if file.may_export(user)]


def choices(files: Iterable[ExchangedFile]) -> list[tuple[str, str]]:
    return [(file.what, file.label) for file in files]
