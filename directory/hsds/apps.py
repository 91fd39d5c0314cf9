from django.apps import AppConfig


class HsdsConfig(AppConfig):
    name = "hsds"
    verbose_name = "Service directory (HSDS)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import audit  # noqa: F401  (connects the audit trail's signal receivers)

        post_migrate.connect(install_page_cache_triggers, sender=self)


def install_page_cache_triggers(using, **kwargs):
    """After every `migrate`: a table a migration added or SQLite remade (dropping its triggers) bumps the page
    cache's data version too (hsds/api/page_cache.py). Idempotent; nothing to do on PostgreSQL."""
    from django.db import connections

    from .api.page_cache import install_triggers

    with connections[using].schema_editor() as schema_editor:
        install_triggers(schema_editor)
