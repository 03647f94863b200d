"""The staff pages' forms that record one event of an article, and which of them an
article offers.

What a form asks for comes from the kind's entry in ``articles.kinds`` (the fields it
takes, the money it carries, whether it can stay open); what it does is one service
of ``articles.services``, which decides. What an article offers (``actions``) and why
it refuses a kind (``refusal``) read the same rules the services apply, so the page
shows a button only where the service would accept the event.

``offers``: what an article offers and why not; ``recording``: the form of one kind;
``ending``: the forms that end an open usage or downtime.
"""

from articles.forms import add_service_error

from ._common import MOMENT_FORMAT, Asker, short_moment
from .ending import DowntimeEndForm, UsageEndForm, open_descriptions
from .offers import GROUPS, Action, Situation, actions, refusal, status_targets
from .recording import EventForm

__all__ = [
    "GROUPS",
    "MOMENT_FORMAT",
    "Action",
    "Asker",
    "DowntimeEndForm",
    "EventForm",
    "Situation",
    "UsageEndForm",
    "actions",
    "add_service_error",
    "open_descriptions",
    "refusal",
    "short_moment",
    "status_targets",
]
