"""The reports' kept rows made again right after a write made the database forget them.

A recording forgets its SKU's kept rows of the SKU and sell-off reports
(``reports.figures.kept``), and the next of those reports would compute them again:
at 100,000 articles a SKU of a thousand articles takes about a third of a second, which
the reader waits for, and writers with it (the rows are kept under a SHARE lock). So
once a write to what the rows are made of (an event, an article, a SKU, a store)
commits, a thread of the process computes and keeps the rows of the SKUs that miss
them, while the one who wrote goes on; the next reader finds them kept.

Only a day's work is made again here: before the day's first report nothing is kept
in advance, and when more than ``MOST_MISSING`` SKUs miss their rows (a large import),
the next report computes the whole fleet, as before.
A write that holds the ledger when the thread wants to keep (``kept_reports_refresh``
returns False) is waited out a few times. A report that finds a few SKUs missing waits
up to a second for the keeper before it computes them itself. Nothing here decides a
figure: a row that is not kept in time is computed by its reader, as without the thread.

PostgreSQL only (SQLite keeps nothing), and only where
``settings.KEEP_REPORTS_AFTER_WRITES`` is on: off in the tests, which turn it on where
they check it, so that no thread writes to a test's database behind its back.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from articles.models import Article, Event, Store
from skus.models import SKU

from .figures.kept import AFTER_WRITES_MOST, kept_reports_refresh

logger = logging.getLogger(__name__)

# At most this many SKUs are made again after a write; more wait for the next report.
MOST_MISSING = AFTER_WRITES_MOST
# How often, and how far apart in seconds, a refresh that met a write is tried again.
TRIES = 3
PAUSE = 0.2
# What a write to forgets kept rows (the triggers of migration reports/0002).
WATCHED = (Event, Article, SKU, Store)


class Keeper:
    """One thread a process, started on the first write, woken by each commit."""

    def __init__(self) -> None:
        self._wake = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._start = threading.Lock()
        self._thread: threading.Thread | None = None

    def wake(self) -> None:
        """Ask for the missing rows to be made (after a commit)."""
        self._idle.clear()
        self._wake.set()
        with self._start:
            # Also after a fork: the parent's thread does not run in the child.
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="report-keeper", daemon=True)
                self._thread.start()

    def wait_until_idle(self, seconds: float) -> bool:
        """True once every wake so far has been served (the tests wait on it)."""
        return self._idle.wait(seconds)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            started = time.perf_counter()
            try:
                for attempt in range(TRIES):
                    if attempt:
                        time.sleep(PAUSE)
                    if kept_reports_refresh(most=MOST_MISSING):
                        break
                logger.info(
                    "Reports' rows kept again after a write in %.0f ms (%d tries).",
                    (time.perf_counter() - started) * 1000,
                    attempt + 1,
                )
            except Exception:
                logger.exception("Keeping the reports' rows after a write failed.")
            finally:
                connection.close()
                if not self._wake.is_set():
                    self._idle.set()


keeper = Keeper()


def _written(sender: Any, **kwargs: Any) -> None:
    if settings.KEEP_REPORTS_AFTER_WRITES and connection.vendor == "postgresql":
        transaction.on_commit(keeper.wake)


def connect() -> None:
    """Wake the keeper after every committed write to what the kept rows are made of
    (``ReportsConfig.ready``)."""
    for model in WATCHED:
        post_save.connect(_written, sender=model, dispatch_uid=f"reports-keeper-save-{model}")
        post_delete.connect(_written, sender=model, dispatch_uid=f"reports-keeper-delete-{model}")
