from django.apps import AppConfig


class MicrolearningConfig(AppConfig):
    name = "bangkom.microlearning"
    label = "microlearning"
    default_auto_field = "django.db.models.BigAutoField"
