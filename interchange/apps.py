from django.apps import AppConfig


class InterchangeConfig(AppConfig):
    """Files in and out: the imports, exports and upload pages of articles and events.

    It has no models: what it reads and writes belongs to ``articles``.
    """

    name = "interchange"
    verbose_name = "Files in and out"
