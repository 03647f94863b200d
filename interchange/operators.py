"""Who an import acts as when nobody signed in runs it: a named system user.

The ledger records who recorded every event. A file imported from the command line
is recorded by the operator named with ``--user``, or else by the user ``system``,
which exists only to be named there: it is inactive and has no usable password, so
nobody can sign in as it.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

SYSTEM_USERNAME = "system"


def system_user() -> AbstractBaseUser:
    """The user ``system``, created (inactive, without a usable password) if missing."""
    model = get_user_model()
    user, created = model._default_manager.get_or_create(
        **{model.USERNAME_FIELD: SYSTEM_USERNAME}, defaults={"is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def operator_named(username: str | None) -> AbstractBaseUser:
    """The user called ``username``, or the system user when none is named.

    Raises ``LookupError`` with a sentence to show when there is no such user.
    """
    if not username:
        return system_user()
    model = get_user_model()
    try:
        return model._default_manager.get_by_natural_key(username)
    except model.DoesNotExist:
        raise LookupError(
            f"There is no user {username!r}; name an existing user with --user, or leave "
            f"it out to record the import as {SYSTEM_USERNAME!r}."
        ) from None
