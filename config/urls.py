from django.contrib import admin
from django.urls import include, path

from sellerdesk.api.urls import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("", include("sellerdesk.web.urls")),
]
