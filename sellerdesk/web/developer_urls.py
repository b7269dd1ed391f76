from django.urls import path

from sellerdesk.web import developer_views, notification_views

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
    path("notifications/", notification_views.notifications, name="notifications"),
    path(
        "notifications/<str:notification_id>/send-again/",
        notification_views.resend,
        name="notification_resend",
    ),
    path(
        "notifications/destinations/<str:destination_id>/enable/",
        notification_views.enable,
        name="destination_enable",
    ),
]
