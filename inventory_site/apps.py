from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The site itself as an app, so its signal receivers are connected at start-up."""

    name = "inventory_site"
    verbose_name = "Site"

    def ready(self) -> None:
        from . import login_log  # noqa: F401  (connects the receivers)
