from django.urls import path

from .views import detail, editing, events, labels, lists

app_name = "articles"

urlpatterns = [
    path("", lists.ArticleListView.as_view(), name="list"),
    path("actions/", lists.ArticleBulkView.as_view(), name="bulk"),
    path("new/", editing.ArticleAddView.as_view(), name="add"),
    path("new/batch/", editing.ArticleBatchAddView.as_view(), name="add_batch"),
    path("<str:number>/", detail.ArticleDetailView.as_view(), name="detail"),
    path("<str:number>/edit/", editing.ArticleEditView.as_view(), name="edit"),
    path("<str:number>/events/new/", events.EventNewView.as_view(), name="event_new"),
    path("<str:number>/label/", labels.ArticleLabelView.as_view(), name="label"),
]
