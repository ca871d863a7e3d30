from django.urls import path

from bangkom.planning import views

urlpatterns = [
    path("akpk/", views.akpk_view, name="akpk"),
    path("akpk/buat/", views.akpk_create_view, name="akpk_create"),
    path("akpk/<int:pk>/himpun/", views.akpk_gather_view, name="akpk_gather"),
]
