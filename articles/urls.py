from django.urls import path

from .views import detail, editing, events, labels, lists

app_name = "articles"

urlpatterns = [
    path("", lists.placeholder, name="list"),
    path("actions/", lists.placeholder, name="bulk"),
    path("new/", editing.placeholder, name="add"),
    path("new/batch/", editing.placeholder, name="add_batch"),
    path("<str:number>/", detail.ArticleDetailView.as_view(), name="detail"),
    path("<str:number>/edit/", editing.placeholder, name="edit"),
    path("<str:number>/events/new/", events.EventNewView.as_view(), name="event_new"),
    path("<str:number>/label/", labels.placeholder, name="label"),
]
