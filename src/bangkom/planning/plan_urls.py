from django.urls import path

from bangkom.planning import plan_views

urlpatterns = [
    path("akpk/<int:akpk_pk>/rencana/", plan_views.plan_runs_view, name="plan_runs"),
    path("rencana/<int:pk>/", plan_views.plan_run_view, name="plan_run"),
    path("rencana/<int:pk>/tetapkan/", plan_views.plan_adopt_view, name="plan_adopt"),
    path("idp/", plan_views.idp_view, name="idp"),
    path("idp/<int:pk>/catatan/", plan_views.idp_link_view, name="idp_link"),
    path("idp/persetujuan/", plan_views.idp_approvals_view, name="idp_approvals"),
    path("idp/<int:pk>/keputusan/", plan_views.idp_decide_view, name="idp_decide"),
]
