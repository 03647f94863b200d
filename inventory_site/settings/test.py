"""Settings for the test suite: the database comes from DATABASE_URL like everywhere."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The suite logs in and out many times; only the login throttling tests turn it on.
AXES_ENABLED = False
