"""The only way the state of an article changes (SPEC.md "Status lifecycle" and "Events").

Every service is keyword-only, atomic, locks the article row it changes, enforces the
lifecycle and the usage rules, and writes its ledger event in the same transaction
with the acting user. What the event does to the article is its kind's effect
(``articles.kinds``): the services write what the effect returns. Views, forms, admin
actions, imports and commands all call these functions, so each rule is written once.
A refusal is a ``ValidationError`` whose message a staff member understands.
"""

from articles.totals import article_totals_refresh, articles_totals_refresh

from ._shared import ZERO, User, format_moment, start_of_day
from .events import event_record
from .fleet import (
    EDITABLE_FIELDS,
    article_create,
    article_update,
    articles_create_batch,
    store_get_or_create,
)
from .records import article_transfer, inspection_record, money_record, note_record
from .service_work import service_end, service_record
from .status import (
    article_found,
    article_report_lost,
    article_retire,
    article_sell,
    article_status_change,
)
from .usages import usage_end, usage_start

__all__ = [
    "EDITABLE_FIELDS",
    "ZERO",
    "User",
    "article_create",
    "article_found",
    "article_report_lost",
    "article_retire",
    "article_sell",
    "article_status_change",
    "article_totals_refresh",
    "article_transfer",
    "article_update",
    "articles_create_batch",
    "articles_totals_refresh",
    "event_record",
    "format_moment",
    "inspection_record",
    "money_record",
    "note_record",
    "service_end",
    "service_record",
    "start_of_day",
    "store_get_or_create",
    "usage_end",
    "usage_start",
]
