"""Imports of ``articles.csv`` and ``events.csv`` (SPEC.md "Files in and out").

An import checks the whole file first and writes only when every row is right, in
one transaction:

1. the file is streamed and each row is parsed into a compact tuple; what cannot
   be read (a date that does not exist, a time still to come, a code with an
   invisible character, an unknown kind...) is reported with its line and column
   (``cells``, ``articles_file``, ``events_file``);
2. inside the transaction the affected articles are locked and their state loaded
   in bulk (their usages, open downtimes and the keys of their events);
3. every row is applied in memory, per article in ``occurred_at`` order, through the
   checks of ``articles.rules`` that the services make one row at a time, so a row
   the web forms would refuse is refused here with the same message, and changes
   its article by its kind's effect in ``articles.kinds``, as the services do, with
   the article's stored totals kept within the money fields (``replay``);
4. with no error, everything is written with bulk inserts and updates and the
   stored totals are refreshed set-based (``writing``, ``bulk``); with any error (or
   ``dry_run``) the transaction is rolled back and nothing is written.

``articles_import`` and ``events_import`` are the one code path of the management
commands and of the admin's upload pages.
"""

from .articles_file import articles_import
from .events_file import events_import
from .results import ImportFailed, ImportResult

__all__ = ["ImportFailed", "ImportResult", "articles_import", "events_import"]
