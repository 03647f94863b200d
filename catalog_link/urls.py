from django.urls import path

from . import views

app_name = "catalog_link"

# Item codes may hold a "/", so the edit page comes before the catch-all item page.
urlpatterns = [
    path("", views.CatalogListView.as_view(), name="list"),
    path("new/", views.CatalogItemEditView.as_view(), name="add"),
    path("<path:code>/edit/", views.CatalogItemEditView.as_view(), name="edit"),
    path("<path:code>/", views.CatalogItemDetailView.as_view(), name="detail"),
]
