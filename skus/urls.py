from django.urls import path

from . import views

app_name = "skus"

# A SKU's code may hold a "/" (nothing forbids it), so the edit page comes before the
# catch-all SKU page.
urlpatterns = [
    path("", views.SKUListView.as_view(), name="list"),
    path("new/", views.SKUEditView.as_view(), name="add"),
    path("<path:code>/edit/", views.SKUEditView.as_view(), name="edit"),
    path("<path:code>/", views.SKUDetailView.as_view(), name="detail"),
]
