"""Not built yet: this module is being written (issue 9)."""

from django.http import Http404


def placeholder(request, *args, **kwargs):
    raise Http404("This page is not built yet.")
