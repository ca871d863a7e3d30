from django.urls import path

from bangkom.evaluation import kirkpatrick_views as views

urlpatterns = [
    path("evaluasi/", views.tasks_view, name="kirkpatrick_tasks"),
    path("evaluasi/penawaran/<int:offering_pk>/", views.offering_evaluation_view, name="kirkpatrick_offering"),
    path(
        "evaluasi/penawaran/<int:offering_pk>/peserta/", views.participant_add_view, name="kirkpatrick_participant_add"
    ),
    path(
        "evaluasi/penawaran/<int:offering_pk>/peserta/<int:pk>/nilai/",
        views.test_scores_view,
        name="kirkpatrick_scores",
    ),
    path(
        "evaluasi/penawaran/<int:offering_pk>/peserta/<int:pk>/hapus/",
        views.participant_remove_view,
        name="kirkpatrick_participant_remove",
    ),
    path("evaluasi/peserta/<int:pk>/reaksi/", views.reaction_view, name="kirkpatrick_reaction"),
    path("evaluasi/peserta/<int:pk>/perilaku/", views.behaviour_view, name="kirkpatrick_behaviour"),
]
