from django.apps import AppConfig


class StaffingConfig(AppConfig):
    name = "staffing"
    default_auto_field = "django.db.models.BigAutoField"
