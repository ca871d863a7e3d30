from django.urls import path

from bangkom.lrs import pages

urlpatterns = [
    path("lrs/", pages.settings_view, name="lrs_settings"),
    path("lrs/klien/baru", pages.client_create_view, name="lrs_client_create"),
    path("lrs/klien/<int:pk>/cabut", pages.client_revoke_view, name="lrs_client_revoke"),
    path("lrs/pemetaan", pages.credit_save_view, name="lrs_credit_save"),
    path("lrs/pemetaan/<int:pk>/hapus", pages.credit_delete_view, name="lrs_credit_delete"),
]
