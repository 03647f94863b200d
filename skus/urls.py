from django.urls import path

from . import views

app_name = "skus"

urlpatterns = [
    path("", views.placeholder, name="list"),
    path("new/", views.placeholder, name="add"),
    path("<str:code>/", views.placeholder, name="detail"),
    path("<str:code>/edit/", views.placeholder, name="edit"),
]
