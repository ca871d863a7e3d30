"""Micro-learning server side: the JSON endpoints of the /belajar/ app, the authoring pages of the admin instansi
and the atasan's confirmation pages. The app shell itself (/belajar/, its manifest and service worker) lives in
app_urls.py."""

from django.urls import path

from bangkom.microlearning import sync_views

urlpatterns = [
    path("belajar/api/data.json", sync_views.data_view, name="microlearning_data"),
    path("belajar/api/sync", sync_views.sync_view, name="microlearning_sync"),
]
