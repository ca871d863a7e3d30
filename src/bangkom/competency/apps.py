from django.apps import AppConfig


class CompetencyConfig(AppConfig):
    name = "bangkom.competency"
    label = "competency"
    default_auto_field = "django.db.models.BigAutoField"
