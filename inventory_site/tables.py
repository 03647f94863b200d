"""What every table of the staff pages shares."""

import django_tables2 as tables
from django.core.paginator import Paginator

# Rows on a page of every list.
PER_PAGE = 50


class FixedPageTable(tables.Table):
    """A table of ``PER_PAGE`` rows a page, whatever ``?per_page=`` asks for (0 would
    divide by zero, -1 is refused by the paginator, a million would load everything)."""

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        return super().paginate(paginator_class, PER_PAGE, page, *args, **kwargs)
