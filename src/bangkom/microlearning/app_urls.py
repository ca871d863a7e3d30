"""The pegawai's installable micro-learning app, under /belajar/ (the JSON endpoints live in urls.py)."""

from django.urls import path

from bangkom.microlearning import app_views

urlpatterns = [
    path("belajar/", app_views.app_shell, name="microlearning_app"),
    path("belajar/manifest.webmanifest", app_views.manifest, name="microlearning_manifest"),
    path("belajar/sw.js", app_views.service_worker, name="microlearning_sw"),
]
