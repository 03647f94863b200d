"""Settings for a developer's machine and ``make run``.

``DEBUG`` stays off unless ``DJANGO_DEBUG`` is true; ``make run`` sets it for itself.
"""

from .base import *  # noqa: F403
