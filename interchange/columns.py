"""The columns of ``articles.csv`` and ``events.csv``, written once.

The imports check headers and cell lengths against these declarations, the exports
write their headers in this order, the upload page and the commands describe the
format from them, and the tests write their files with them. A column's longest value
is the ``max_length`` of the model field it is stored in, read from that field, so a
migration that widens a field widens the import with it.
"""

from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.db import models


@dataclass(frozen=True)
class Column:
    """One column: its name in the header, whether the header must name it, the
    model field (``"app_label.Model"``, field name) whose length bounds its values, and
    whether its values are numbers (written as they are, not escaped as text)."""

    name: str
    required: bool = False
    stored_in: tuple[str, str] | None = None
    numeric: bool = False

    @property
    def max_length(self) -> int | None:
        if self.stored_in is None:
            return None
        model, name = self.stored_in
        field = apps.get_model(model)._meta.get_field(name)
        return field.max_length if isinstance(field, models.Field) else None


@dataclass(frozen=True)
class FileColumns:
    """The columns of one file, in the order the exports write them.

    ``further`` says what a column the file does not declare is (articles.csv: a
    specification of that name); when it is empty such a column is refused.
    """

    file_name: str
    columns: tuple[Column, ...]
    further: str = ""

    @cached_property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @cached_property
    def numeric(self) -> frozenset[str]:
        return frozenset(column.name for column in self.columns if column.numeric)

    @cached_property
    def required(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)

    def max_lengths(self) -> dict[str, int]:
        """The longest value of each column stored in a field of bounded length."""
        return {
            column.name: length
            for column in self.columns
            if (length := column.max_length) is not None
        }

    def describe(self, separator: str = ", ") -> str:
        """The format in a sentence: "Columns: a, b, c; any further column is a ..."."""
        text = f"Columns: {separator.join(self.names)}"
        if self.further:
            text += f"; any further column is a {self.further}"
        return text + "."


ARTICLES = FileColumns(
    file_name="articles.csv",
    columns=(
        Column("number", required=True, stored_in=("articles.Article", "number")),
        Column("sku_code", required=True, stored_in=("skus.SKU", "code")),
        Column("sku_name", stored_in=("skus.SKU", "name")),
        Column("allocation"),
        Column("status"),
        Column("condition"),
        Column("manufacturer", stored_in=("articles.Article", "manufacturer")),
        Column("model", stored_in=("articles.Article", "model")),
        Column("production_year", numeric=True),
        Column("serial_number", stored_in=("articles.Article", "serial_number")),
        Column("store", required=True, stored_in=("articles.Store", "name")),
        Column("purchased_on", required=True),
        Column("purchase_price", numeric=True),
    ),
    further="specification",
)

EVENTS = FileColumns(
    file_name="events.csv",
    columns=(
        Column("article_number", required=True),
        Column("kind", required=True),
        Column("occurred_at", required=True),
        Column("ended_at"),
        Column("revenue", numeric=True),
        Column("cost", numeric=True),
        Column("reference", stored_in=("articles.Event", "reference")),
        Column("condition"),
        Column("store", stored_in=("articles.Store", "name")),
        Column("status"),
        Column("notes"),
        # Optional and last: a file written before it existed imports as it did.
        Column("due_at"),
    ),
)
