from django.apps import AppConfig


class HsdsConfig(AppConfig):
    name = "hsds"
    verbose_name = "Service directory (HSDS)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import audit  # noqa: F401  (connects the audit trail's signal receivers)

        post_migrate.connect(install_page_cache_triggers, sender=self)
        from django.db.models.signals import post_delete, post_save

        from .api.data_version import changed_here

        for model in self.get_models():
            post_save.connect(changed_here, sender=model, dispatch_uid=f"data-version-save-{model.__name__}")
            post_delete.connect(changed_here, sender=model, dispatch_uid=f"data-version-delete-{model.__name__}")


def install_page_cache_triggers(using, **kwargs):
    """After every `migrate`: a table a migration added or SQLite remade (dropping its triggers) changes the
    data version too (hsds/api/data_version.py). Idempotent."""
    from django.db import connections

    from .api.data_version import install_triggers

    install_triggers(connections[using])
