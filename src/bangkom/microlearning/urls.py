"""Micro-learning server side: the JSON endpoints of the /belajar/ app, the authoring pages of the admin instansi
and the atasan's confirmation pages. The app shell itself (/belajar/, its manifest and service worker) lives in
app_urls.py."""

from django.urls import path

from bangkom.microlearning import sync_views, views

urlpatterns = [
    path("belajar/api/data.json", sync_views.data_view, name="microlearning_data"),
    path("belajar/api/sync", sync_views.sync_view, name="microlearning_sync"),
    path("belajar/api/gambar/<int:pk>", sync_views.image_view, name="microlearning_image"),
    path("modul/", views.module_list_view, name="module_list"),
    path("modul/baru/", views.module_create_view, name="module_create"),
    path("modul/impor-hasil/", views.results_import_view, name="module_results_import"),
    path("modul/refleksi/", views.reflection_list_view, name="reflection_list"),
    path("modul/refleksi/<int:pk>/", views.reflection_detail_view, name="reflection_detail"),
    path("modul/refleksi/<int:pk>/konfirmasi/", views.reflection_confirm_view, name="reflection_confirm"),
    path("modul/refleksi/<int:pk>/kembalikan/", views.reflection_return_view, name="reflection_return"),
    path("modul/<int:pk>/", views.module_detail_view, name="module_detail"),
    path("modul/<int:pk>/ubah/", views.module_edit_view, name="module_edit"),
    path("modul/<int:pk>/terbitkan/", views.module_publish_view, name="module_publish"),
    path("modul/<int:pk>/arsipkan/", views.module_archive_view, name="module_archive"),
    path("modul/<int:pk>/paket.zip", views.package_view, name="module_package"),
    path("modul/<int:pk>/halaman/baru/", views.page_edit_view, name="module_page_create"),
    path("modul/<int:pk>/halaman/<int:page_pk>/", views.page_edit_view, name="module_page_edit"),
    path("modul/<int:pk>/soal/baru/", views.question_edit_view, name="module_question_create"),
    path("modul/<int:pk>/soal/<int:question_pk>/", views.question_edit_view, name="module_question_edit"),
    path("modul/<int:pk>/<str:kind>/<int:part_pk>/hapus/", views.part_delete_view, name="module_part_delete"),
]
