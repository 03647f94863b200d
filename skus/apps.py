from django.apps import AppConfig


class SkusConfig(AppConfig):
    name = "skus"
    verbose_name = "SKUs"
