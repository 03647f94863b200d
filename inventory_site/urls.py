from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Individualized inventory · administration"
admin.site.site_title = "Individualized inventory"
admin.site.index_title = "Fleet, ledger and catalog"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("catalog/", include("catalog_link.urls")),
    path("", include("reports.urls")),
]
