from django.urls import path

from bangkom.planning import views

urlpatterns = [
    path("akpk/", views.akpk_view, name="akpk"),
]
