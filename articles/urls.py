from django.urls import path

from .views import detail, editing, events, labels, lists

app_name = "articles"

urlpatterns = [
    path("", lists.ArticleListView.as_view(), name="list"),
    path("actions/", lists.ArticleBulkView.as_view(), name="bulk"),
    path("new/", editing.placeholder, name="add"),
    path("new/batch/", editing.placeholder, name="add_batch"),
    path("<str:number>/", detail.placeholder, name="detail"),
    path("<str:number>/edit/", editing.placeholder, name="edit"),
    path("<str:number>/events/new/", events.placeholder, name="event_new"),
    path("<str:number>/label/", labels.placeholder, name="label"),
]
