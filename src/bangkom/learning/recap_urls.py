from django.urls import path

from bangkom.learning import recap_views

urlpatterns = [
    path("rekap-jp/<int:employee_pk>/<int:year>/pdf/", recap_views.recap_pdf_view, name="recap_pdf"),
    path("verifikasi/", recap_views.recap_verify, name="recap_verify"),
    path("verifikasi/<str:code>/", recap_views.recap_verify_code, name="recap_verify_code"),
]
