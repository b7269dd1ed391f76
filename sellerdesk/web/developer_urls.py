from django.urls import path

from sellerdesk.web import developer_views

app_name = "developer"

urlpatterns = [
    path("", developer_views.applications, name="applications"),
    path("register/", developer_views.register, name="register"),
    path(
        "<int:application_id>/rotate-secret/",
        developer_views.rotate_secret,
        name="rotate_secret",
    ),
    path("<int:application_id>/revoke/", developer_views.revoke, name="revoke"),
]
