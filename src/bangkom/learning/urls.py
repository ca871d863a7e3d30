from django.urls import path

from bangkom.learning import views

urlpatterns = [
    path("jp/", views.my_jp, name="jp_mine"),
    path("jp/pegawai/<int:pk>/", views.jp_employee, name="jp_employee"),
    path("jp/pegawai/<int:pk>/catat/", views.record_create, name="jp_record_create"),
    path("jp/catatan/<int:pk>/ubah/", views.record_edit, name="jp_record_edit"),
    path("jp/catatan/<int:pk>/hapus/", views.record_delete_view, name="jp_record_delete"),
    path("jp/catatan/<int:pk>/bukti/", views.record_evidence, name="jp_record_evidence"),
    path("jp/catatan/<int:pk>/putuskan/", views.record_decide, name="jp_record_decide"),
    path("jp/verifikasi/", views.verification_list, name="jp_verification"),
    path("jp/tim/", views.team_jp, name="jp_team"),
    path("jp/kepatuhan/", views.compliance_view, name="jp_compliance"),
    path("jp/aturan/", views.rules_view, name="jp_rules"),
]
