"""The money field: a decimal with 2 places in the installation's one currency."""

from decimal import Decimal
from typing import Any

from django.db import models

MONEY_MAX_DIGITS = 12
MONEY_DECIMAL_PLACES = 2
# The first amount too large for a money field.
MONEY_LIMIT = Decimal(10) ** (MONEY_MAX_DIGITS - MONEY_DECIMAL_PLACES)


class MoneyField(models.DecimalField):
    """A ``DecimalField`` of 12 digits with 2 places (SPEC.md "Money").

    It deconstructs as a plain ``DecimalField``, so that migrations neither change
    nor depend on this module.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", MONEY_MAX_DIGITS)
        kwargs.setdefault("decimal_places", MONEY_DECIMAL_PLACES)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.DecimalField", args, kwargs
