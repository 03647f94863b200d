from django.urls import path

from . import dashboard, views

app_name = "reports"

urlpatterns = [
    path("", dashboard.DashboardView.as_view(), name="dashboard"),
    path("reports/", views.ReportIndexView.as_view(), name="index"),
    path("reports/articles/", views.ArticleReportView.as_view(), name="articles"),
    path("reports/skus/", views.SkuReportView.as_view(), name="skus"),
    path("reports/selloff/", views.SelloffReportView.as_view(), name="selloff"),
]
