"""What the directory keeps beside its records: every change (its audit trail) and the rows of HSDS
tables it does not model, kept for export."""
import uuid

from django.db import models

from .ownership import organizations_of_row


class ChangeRecord(models.Model):
    """One recorded change (HSDS `metadata`): who changed which field of which record, when, old → new."""

    class Action(models.TextChoices):
        CREATE = "create"
        UPDATE = "update"
        DELETE = "delete"
        RETIRE = "retire"
        RESTORE = "restore"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resource_id = models.UUIDField(db_index=True)
    resource_type = models.CharField(max_length=64)
    # The service (or organization) the changed record belongs to, so its history shows phone and hours edits too.
    owner_id = models.UUIDField(null=True, blank=True, db_index=True)
    last_action_date = models.DateTimeField(auto_now_add=True, db_index=True)
    last_action_type = models.CharField(max_length=16, choices=Action.choices)
    field_name = models.CharField(max_length=64, blank=True)
    previous_value = models.TextField(blank=True)
    replacement_value = models.TextField(blank=True)
    updated_by = models.CharField(max_length=255)
    via = models.CharField(max_length=16, help_text="admin, api, import or system")

    class Meta:
        ordering = ["-last_action_date", "resource_type", "field_name"]
        indexes = [models.Index(fields=["resource_type", "resource_id"])]

    def __str__(self):
        return f"{self.last_action_type} {self.resource_type} {self.field_name}".strip()


class ExtraRecord(models.Model):
    """A row of an HSDS table this directory does not model (funding, programs, ...), kept for export."""

    entity = models.CharField(max_length=64)
    record_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "record_id"], name="unique_extra_record")]
        ordering = ["entity", "record_id"]

    def organization_ids(self) -> set:
        """The organisations its reference columns lead to (ids that are not UUIDs lead nowhere)."""
        return organizations_of_row(self.data or {})
