from django.urls import path

from bangkom.mentoring import views

urlpatterns = [
    path("program/", views.programme_list_view, name="programme_list"),
    path("program/baru/", views.programme_create_view, name="programme_create"),
    path("program/saya/", views.my_pairs_view, name="my_pairs"),
    path("program/<int:pk>/", views.programme_detail_view, name="programme_detail"),
    path("program/<int:pk>/ubah/", views.programme_edit_view, name="programme_edit"),
    path("program/<int:pk>/peserta/", views.participants_view, name="programme_participants"),
    path("program/<int:pk>/usulan/", views.matching_start_view, name="programme_matching"),
    path("program/<int:pk>/umumkan/", views.programme_publish_view, name="programme_publish"),
    path("program/<int:pk>/mentee/<int:mentee_pk>/", views.pairing_edit_view, name="pairing_edit"),
    path("pasangan/<int:pk>/", views.pairing_detail_view, name="pairing_detail"),
    path("pasangan/<int:pk>/akhiri/", views.pairing_end_view, name="pairing_end"),
    path("sesi/<int:pk>/", views.session_edit_view, name="session_edit"),
    path("sesi/<int:pk>/konfirmasi/", views.session_confirm_view, name="session_confirm"),
    path("sesi/<int:pk>/batal/", views.session_cancel_view, name="session_cancel"),
]
