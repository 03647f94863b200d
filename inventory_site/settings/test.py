"""Settings for the test suite: the database comes from DATABASE_URL like everywhere."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The suite logs in and out many times; only the login throttling tests turn it on.
AXES_ENABLED = False

# No thread writes to a test's database behind its back; the keeper's tests turn it on.
KEEP_REPORTS_AFTER_WRITES = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # A test's commits need not reach the disk before it goes on (the test database is
    # thrown away): the suites that commit (browser, backup, server) wait less.
    DATABASES["default"]["OPTIONS"]["options"] += " -c synchronous_commit=off"  # noqa: F405
