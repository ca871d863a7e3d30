from django.contrib import admin
from django.urls import include, path

from bangkom.config.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("xapi/", include("bangkom.lrs.urls")),
    path("", include("bangkom.lrs.page_urls")),
    path("", include("bangkom.learning.urls")),
    path("", include("bangkom.learning.recap_urls")),
    path("", include("bangkom.planning.urls")),
    path("", include("bangkom.planning.plan_urls")),
    path("", include("bangkom.mentoring.urls")),
    path("", include("bangkom.microlearning.urls")),
    path("", include("bangkom.microlearning.app_urls")),
    path("", include("bangkom.evaluation.kirkpatrick_urls")),
    path("", include("bangkom.evaluation.effectiveness_urls")),
    path("", include("bangkom.evaluation.urls")),
    path("", include("bangkom.web.urls")),
]
