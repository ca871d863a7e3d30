from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "bangkom.mentoring"
    label = "mentoring"
    default_auto_field = "django.db.models.BigAutoField"
