"""What the admins of the apps share: their stylesheet, the one page that asks for a
form's input before a service runs, and saving an add or change form through a service.

The page serves both a tool on one object (record an event, add articles to a SKU) and
a changelist action on many (transfer, retire): the admin builds the form, calls the
service and shows its refusal; the page only lays the form out.
"""

from collections.abc import Sequence
from contextvars import ContextVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

ADMIN_CSS = {"all": ["css/admin.css"]}
FORM_TEMPLATE = "admin/form_page.html"


def acting_user(request: HttpRequest) -> AbstractBaseUser:
    """The signed-in user, for a service's ``acting_user``. ``admin_view`` sends anyone
    else to the login before an admin view runs, so the refusal here never shows."""
    user = request.user
    if isinstance(user, AnonymousUser):
        raise PermissionDenied
    return user


def missing_object_redirect(
    model_admin: admin.ModelAdmin, request: HttpRequest, object_id: str
) -> HttpResponse:
    """Django's own answer to a URL naming an object that does not exist: a warning
    and the admin's index."""
    # A private ModelAdmin method that django-stubs does not declare.
    redirect = model_admin._get_obj_does_not_exist_redirect  # type: ignore[attr-defined]
    return redirect(request, model_admin.opts, object_id)


def form_page(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    title: str,
    submit_label: str,
    cancel_url: str,
    original: Model | None = None,
    intro: str = "",
    action: str = "",
    selected: Sequence[tuple[object, str]] = (),
) -> TemplateResponse:
    """The page of ``form``: about ``original`` (a tool on one object), or, with
    ``action``, the intermediate page of that changelist action over ``selected``
    (each a primary key and the line that shows it), which posts them back."""
    fieldsets = [(None, {"fields": list(form.fields)})]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": original,
        "title": title,
        "subtitle": "" if original is None else str(original),
        "intro": intro,
        # AdminForm lays out any form; django-stubs declares it for model forms only.
        "adminform": helpers.AdminForm(form, fieldsets, {}, model_admin=model_admin),  # type: ignore[arg-type]
        "form": form,
        "media": model_admin.media + form.media,
        "submit_label": submit_label,
        "submit_name": "apply" if action else "_submit",
        "cancel_url": cancel_url,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "selected": selected,
    }
    return TemplateResponse(request, FORM_TEMPLATE, context)


# --- saving an add or change form through a service ------------------------------------

_refusal: ContextVar[ValidationError | None] = ContextVar("service_refusal", default=None)


class ServiceRefused(Exception):
    """A service refused a save that the admin's form had accepted."""

    def __init__(self, error: ValidationError):
        super().__init__(error)
        self.error = error


class ServiceSaveAdmin(admin.ModelAdmin):
    """A model admin whose ``save_model`` (or ``save_related``) calls a service and
    raises ``ServiceRefused`` when it refuses.

    The transaction of the attempt is then rolled back and the same POST is shown
    again, the form carrying the refusal in its ``service_refusal`` attribute; the
    form class declares that attribute and adds it as an error in ``clean()``.
    """

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = _refusal.get()
        if refusal is None:
            return form
        return type(form.__name__, (form,), {"service_refusal": refusal})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            token = _refusal.set(refused.error)
            try:
                return super().changeform_view(request, object_id, form_url, extra_context)
            finally:
                _refusal.reset(token)


class DateHierarchyChangeList(ChangeList):
    """Django's changelist, with a date-hierarchy date it cannot bound refused with a
    message: Django adds a year, a month or a day to the chosen date in Python, which
    fails past 9999 (``?purchased_on__year=9999``)."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as error:
            messages.error(request, f"The date filter is out of range ({error}); choose another.")
            raise IncorrectLookupParameters(error) from error


class GuardedDateHierarchy(admin.ModelAdmin):
    """For an admin with a ``date_hierarchy``: a date out of range is a message, not a
    server error (the list is shown without that filter)."""

    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList
