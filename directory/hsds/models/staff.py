"""Staff roles: administrators, and editors and viewers of the organisations assigned to them."""
from django.conf import settings
from django.db import models

from .records import Organization


class StaffProfile(models.Model):
    """A staff member's role; editors change only the organisations assigned to them."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator"
        EDITOR = "editor"
        VIEWER = "viewer"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    organizations = models.ManyToManyField(Organization, blank=True, related_name="editors")

    def __str__(self):
        return f"{self.user} ({self.role})"
