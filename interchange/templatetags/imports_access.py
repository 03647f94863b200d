"""``{% if user|may_open_imports %}``: the header shows the "Imports" link to exactly the
users ``/imports/`` lets in (``interchange.files.may_open_imports``)."""

from django import template
from django.contrib.auth.models import AnonymousUser, User

from interchange import files

register = template.Library()


@register.filter
def may_open_imports(user: User | AnonymousUser | str) -> bool:
    """False for a template rendered without a user (``user`` is then the empty string)."""
    return not isinstance(user, str) and files.may_open_imports(user)
