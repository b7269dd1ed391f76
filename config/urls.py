from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from sellerdesk.api import documents, lwa
from sellerdesk.api.urls import api, notificationsapi, ordersapi, reportsapi, spapi

urlpatterns = [
    # The admin signs in through the site's own sign-in, with its second step and throttling.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    # Login with Amazon's token endpoint and the Selling Partner API live at the server root, as
    # on the marketplace, so that integrations only change the host they talk to.
    path("auth/o2/token", lwa.token, name="lwa_token"),
    path("feeds/documents/upload/<str:signed>", documents.upload, name="feed_document_upload"),
    path(
        "feeds/documents/download/<str:signed>",
        documents.download,
        name="feed_document_download",
    ),
    # Mounted at its own prefix rather than at "": ninja claims the empty path of its mount
    # (api-root), and "/" belongs to the web pages.
    path("feeds/2021-06-30/", spapi.urls),
    # Before the web pages, whose /orders/ would otherwise take /orders/v0/.
    path("orders/v0/", ordersapi.urls),
    # Before the web pages, whose /reports/ is the Reports page.
    path("reports/2021-06-30/", reportsapi.urls),
    path("notifications/v1/", notificationsapi.urls),
    path("developer/", include("sellerdesk.web.developer_urls")),
    path("", include("sellerdesk.web.urls")),
]

handler400 = "sellerdesk.web.views.bad_request"
