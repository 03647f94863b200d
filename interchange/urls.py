from django.urls import path

from . import views

app_name = "interchange"

urlpatterns = [
    path("", views.placeholder, name="imports"),
]
