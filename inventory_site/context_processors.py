from django.conf import settings


def installation(request):
    """What every page may show about the installation."""
    return {"currency": settings.CURRENCY}
