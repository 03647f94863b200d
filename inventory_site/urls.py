from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from articles.views import labels as article_labels

admin.site.site_header = "Individualized inventory · administration"
admin.site.site_title = "Individualized inventory"
admin.site.index_title = "Fleet, ledger and catalog"

# Password reset sends a mail, so it exists only where mail is configured (EMAIL_HOST):
# otherwise neither login page links to it and its pages are not there.
accounts = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            extra_context={"password_reset_enabled": settings.PASSWORD_RESET_ENABLED}
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
admin_password_reset = []
if settings.PASSWORD_RESET_ENABLED:
    accounts += [
        path("password_reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
        path(
            "password_reset/done/",
            auth_views.PasswordResetDoneView.as_view(),
            name="password_reset_done",
        ),
        path(
            "reset/<uidb64>/<token>/",
            auth_views.PasswordResetConfirmView.as_view(),
            name="password_reset_confirm",
        ),
        path(
            "reset/done/",
            auth_views.PasswordResetCompleteView.as_view(),
            name="password_reset_complete",
        ),
    ]
    # The admin's login page shows its "Forgotten your password?" link when this name exists.
    admin_password_reset = [
        path(
            "admin/password_reset/",
            auth_views.PasswordResetView.as_view(),
            name="admin_password_reset",
        ),
    ]

urlpatterns = [
    *admin_password_reset,
    path("admin/", admin.site.urls),
    path("accounts/", include(accounts)),
    path("articles/", include("articles.urls")),
    path("labels/", article_labels.LabelSheetView.as_view(), name="labels"),
    path("skus/", include("skus.urls")),
    path("catalog/", include("catalog_link.urls")),
    path("imports/", include("interchange.urls")),
    path("", include("reports.urls")),
]

handler500 = "inventory_site.database_down.server_error"
