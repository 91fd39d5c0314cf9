"""Counts and anonymised examples. Nothing here names or links to a person: no sender id, no
conversation id, no timestamp finer than the ISO week; examples have random ids (no insertion order)."""

import uuid

from django.db import models


class Outcome(models.TextChoices):
    NO_SERVICE = "no_service", "No matching service"
    FALLBACK = "fallback", "Not understood"


class UnmetNeedCount(models.Model):
    week = models.CharField(max_length=8, help_text="ISO week, e.g. 2026-W48")
    language = models.CharField(max_length=8)
    category = models.CharField(max_length=64, blank=True, help_text="Top-level need (empty when not understood)")
    need = models.CharField(max_length=64, blank=True, help_text="Sub-need term code, e.g. health-dentist")
    neighbourhood = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["week", "language", "category", "need", "neighbourhood", "outcome"], name="unmet_need_count_unique"),
        ]
        ordering = ["-week", "-count", "language", "category", "need", "neighbourhood", "outcome"]
        verbose_name = "unmet need count"

    def __str__(self):
        return f"{self.week} {self.language} {self.category or '-'}/{self.need or '-'} {self.outcome}: {self.count}"


class ExamplePhrasing(models.Model):
    """At most EXAMPLES_PER_GROUP per (week, language, category, outcome): `slot` 1..N is unique in its group."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    week = models.CharField(max_length=8)
    language = models.CharField(max_length=8)
    category = models.CharField(max_length=64, blank=True)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    slot = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["week", "language", "category", "outcome", "slot"], name="example_phrasing_slot_unique"),
        ]
        ordering = ["-week", "language", "category", "outcome", "slot"]

    def __str__(self):
        return self.text
