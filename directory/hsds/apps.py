from django.apps import AppConfig


class HsdsConfig(AppConfig):
    name = "hsds"
    verbose_name = "Service directory (HSDS)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import audit  # noqa: F401  (connects the audit trail's signal receivers)
