from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from sellerdesk.web import (
    account_views,
    activity_views,
    feed_views,
    inventory_views,
    metrics_views,
    report_views,
    selection_views,
    user_views,
    views,
)
from sellerdesk.web.sign_in_views import SignInView, sign_in_code
from sellerdesk.web.user_forms import OutboxPasswordResetForm

orders_patterns = [
    path("", views.manage_orders, name="manage"),
    path("cancel-selected/", selection_views.cancel_selected, name="cancel_selected"),
    path("<str:order_id>/", views.order_detail, name="detail"),
    path("<str:order_id>/cancel/", views.order_cancel_view, name="cancel"),
    path("<str:order_id>/cancel/stock/", views.order_cancel_stock, name="cancel_stock"),
    path("<str:order_id>/confirm-shipment/", views.order_confirm_shipment_view, name="ship"),
    path("<str:order_id>/refund/", views.order_refund_view, name="refund"),
    path("<str:order_id>/emails/<int:email_id>/", views.order_email, name="email"),
    path("<str:order_id>/emails/<int:email_id>/html/", views.order_email_html, name="email_html"),
]

feeds_patterns = [
    path("upload/", feed_views.upload, name="upload"),
    path("upload/template/<str:kind>/", feed_views.file_template, name="template"),
    path("history/", feed_views.history, name="history"),
    path("<str:feed_id>/", feed_views.detail, name="detail"),
    path("<str:feed_id>/report/", feed_views.report, name="report"),
]

metrics_patterns = [
    path("", metrics_views.overview, name="overview"),
    path("orders/", metrics_views.orders, name="orders"),
]

reports_patterns = [
    path("", report_views.reports, name="list"),
    path("<str:report_id>/download/", report_views.download, name="download"),
]

inventory_patterns = [
    path("", inventory_views.inventory, name="list"),
    # A SKU may hold a slash.
    path("<path:sku>/", inventory_views.ledger, name="ledger"),
]

activity_patterns = [
    path("", activity_views.activity, name="list"),
    path("export.csv", activity_views.activity_export, name="export"),
]

account_patterns = [
    path("security/", account_views.security, name="security"),
    path("security/two-step/", account_views.two_step_setup, name="two_step_setup"),
    path("security/two-step/off/", account_views.two_step_off, name="two_step_off"),
    path("security/recovery-codes/", account_views.recovery_codes, name="recovery_codes"),
    path(
        "security/sessions/<int:session_id>/sign-out/",
        account_views.session_sign_out,
        name="session_sign_out",
    ),
    path(
        "security/sessions/sign-out-others/",
        account_views.sessions_sign_out_others,
        name="sessions_sign_out_others",
    ),
]

users_patterns = [
    path("", user_views.users, name="list"),
    path("invite/", user_views.invite, name="invite"),
    path("two-step/", user_views.two_step, name="two_step"),
    path("<int:user_id>/", user_views.edit, name="edit"),
    path("<int:user_id>/remove/", user_views.remove, name="remove"),
    path(
        "invitations/<int:invitation_id>/withdraw/",
        user_views.revoke_invitation,
        name="revoke_invitation",
    ),
]

password_reset_patterns = [
    path(
        "",
        auth_views.PasswordResetView.as_view(
            template_name="web/users/password_reset.html",
            form_class=OutboxPasswordResetForm,
        ),
        name="password_reset",
    ),
    path(
        "sent/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="web/users/password_reset_sent.html"
        ),
        name="password_reset_done",
    ),
    path(
        "<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="web/users/password_reset_confirm.html"
        ),
        name="password_reset_confirm",
    ),
    path(
        "done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="web/users/password_reset_done.html"
        ),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="orders:manage"), name="home"),
    # Browsers ask for /favicon.ico whatever the page links to.
    path("favicon.ico", views.favicon, name="favicon"),
    path("login/", SignInView.as_view(), name="login"),
    path("login/code/", sign_in_code, name="login_code"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", include((account_patterns, "account"))),
    path("language/", views.set_language, name="set_language"),
    path("orders/", include((orders_patterns, "orders"))),
    path("files/", include((feeds_patterns, "feeds"))),
    path("metrics/", include((metrics_patterns, "metrics"))),
    path("inventory/", include((inventory_patterns, "inventory"))),
    path("reports/", include((reports_patterns, "reports"))),
    path("activity/", include((activity_patterns, "activity"))),
    path("users/", include((users_patterns, "users"))),
    path("invitation/<str:token>/", user_views.accept, name="invitation_accept"),
    path("password-reset/", include(password_reset_patterns)),
]
