"""The Django admin of stores, articles and the ledger.

The admin never writes a model itself: adding and editing an article, recording an
event, ending a usage or a downtime and every changelist action call
``articles.services``, and a refusal of a service is shown to the user on the form (or,
for an action on many articles, as a message after which nothing has changed).
"""

from .actions import ARTICLE_ACTIONS, ArticleAction
from .articles import ArticleAdmin
from .events import EventAdmin, EventInline
from .stores import StoreAdmin

__all__ = [
    "ARTICLE_ACTIONS",
    "ArticleAction",
    "ArticleAdmin",
    "EventAdmin",
    "EventInline",
    "StoreAdmin",
]
