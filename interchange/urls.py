from django.urls import path

from . import views

app_name = "interchange"

urlpatterns = [
    path("", views.ImportsView.as_view(), name="imports"),
    path("confirm/", views.ImportConfirmView.as_view(), name="confirm"),
    path("export/<slug:what>/", views.ExportView.as_view(), name="export"),
]
