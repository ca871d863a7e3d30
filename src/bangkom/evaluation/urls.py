from django.urls import path

from bangkom.evaluation import views

urlpatterns = [
    path("talenta/", views.talent_grid_view, name="talent_grid"),
    path("talenta/kotak/<int:box>/", views.talent_box_view, name="talent_box"),
    path("talenta/suksesi/", views.talent_succession_view, name="talent_succession"),
]
