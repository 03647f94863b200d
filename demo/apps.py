from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo fleet and the ``seed_demo`` command that makes it."""

    name = "demo"
    verbose_name = "Demo fleet"
