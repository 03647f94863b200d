"""Settings for the test suite: the database comes from DATABASE_URL like everywhere."""

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
