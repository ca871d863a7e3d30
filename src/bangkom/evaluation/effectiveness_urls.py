from django.urls import path

from bangkom.evaluation import effectiveness_views as views

urlpatterns = [
    path("evaluasi/efektivitas/", views.effectiveness_view, name="evaluation_effectiveness"),
]
