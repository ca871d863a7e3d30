from django.contrib.auth import views as auth_views
from django.urls import path

from bangkom.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("masuk/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("profil/", views.profile, name="profile"),
    path("pegawai/", views.employee_list_view, name="employee_list"),
    path("pegawai/<int:pk>/", views.employee_detail, name="employee_detail"),
    path("jabatan/", views.position_list_view, name="position_list"),
    path("jabatan/<int:pk>/", views.position_detail, name="position_detail"),
    path("impor/", views.import_view, name="import"),
    path("pekerjaan/<uuid:pk>/", views.job_detail, name="job_detail"),
    path("pekerjaan/<uuid:pk>/status/", views.job_status, name="job_status"),
    path("pekerjaan/<uuid:pk>/laporan/", views.job_report, name="job_report"),
    path("audit/", views.audit_list, name="audit_list"),
    path("pemetaan/", views.mapping_view, name="mapping"),
    path(
        "pemetaan/unit/<int:unit_pk>/kompetensi/<int:competency_pk>/", views.mapping_drilldown, name="mapping_drilldown"
    ),
    path("pegawai/<int:pk>/jabatan-berikutnya/", views.next_positions_view, name="next_positions"),
]
