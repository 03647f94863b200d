from django.apps import AppConfig


class CatalogLinkConfig(AppConfig):
    name = "catalog_link"
    verbose_name = "Catalog link"
