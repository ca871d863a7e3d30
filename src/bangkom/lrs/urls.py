from django.urls import path

from bangkom.lrs import document_views, views

app_name = "lrs"

# xAPI resources have no trailing slash (Communication 2); the endpoint is <site>/xapi.
urlpatterns = [
    path("about", views.about, name="about"),
    path("statements", views.statements, name="statements"),
    path("activities/state", document_views.state, name="state"),
    path("activities/profile", document_views.activity_profile, name="activity_profile"),
    path("activities", document_views.activities, name="activities"),
    path("agents/profile", document_views.agent_profile, name="agent_profile"),
    path("agents", document_views.agents, name="agents"),
]
