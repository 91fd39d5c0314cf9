"""What every HSDS record has: a UUID, the HSDS columns this directory has no field for, the
organisations it belongs to; and the version that optimistic concurrency checks."""
import uuid

from django.db import models

from .ownership import organizations_referenced


class HsdsModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # HSDS columns this directory has no field for (e.g. `tax_status`), kept so that an import
    # followed by an export loses nothing.
    extra = models.JSONField(default=dict, blank=True, editable=False)
    # The reference fields that make a record belong to organisations (see organization_ids).
    OWNER_FIELDS = ()

    class Meta:
        abstract = True

    def organization_ids(self) -> set:
        """Every organisation this record belongs to; empty for shared records (taxonomies, terms)."""
        return organizations_referenced(**{f"{name}_id": getattr(self, f"{name}_id") for name in self.OWNER_FIELDS})


class Versioned(models.Model):
    """Optimistic concurrency: every save of an edit form or API write must name the version it read."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)
