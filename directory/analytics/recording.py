"""Validating and counting unmet-need reports. Exact under concurrency: one row per group,
incremented with F("count") + 1 inside a transaction; a concurrent first report of the same group
meets the unique constraint and becomes an increment."""

import math
import re
from typing import Dict, Optional, Tuple

from django.db import IntegrityError, transaction
from django.db.models import F

from contracts.scrub import scrub  # the rules the action server applied: applied again here
from hsds.models import TaxonomyTerm

from . import neighbourhoods
from .models import ExamplePhrasing, Outcome, UnmetNeedCount
from .retention import forget_old_examples

EXAMPLES_PER_GROUP = 5

WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class InvalidReport(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field


def _text(data: Dict, field: str, required: bool = False) -> str:
    value = data.get(field, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise InvalidReport(field, "must be a string")
    value = value.strip()
    if required and not value:
        raise InvalidReport(field, "is required")
    return value


def _point(data: Dict) -> Optional[Tuple[float, float]]:
    """The optional search point {"latitude": .., "longitude": ..}: only used to find its neighbourhood."""
    near = data.get("near")
    if near is None:
        return None
    if not isinstance(near, dict) or set(near) != {"latitude", "longitude"}:
        raise InvalidReport("near", "must be an object with latitude and longitude only")
    values = near["latitude"], near["longitude"]
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values):
        raise InvalidReport("near", "latitude and longitude must be numbers")
    if not (-90 <= values[0] <= 90 and -180 <= values[1] <= 180):
        raise InvalidReport("near", "latitude must be within ±90 and longitude within ±180")
    return float(values[0]), float(values[1])


def validate(data) -> Dict[str, str]:
    """The report's group and example, or InvalidReport naming the field."""
    if not isinstance(data, dict):
        raise InvalidReport("body", "must be a JSON object")
    week = _text(data, "week", required=True)
    match = WEEK.match(week)
    if not match or not 1 <= int(match.group(2)) <= 53:
        raise InvalidReport("week", "must be an ISO week such as 2026-W48")
    language = _text(data, "language", required=True)
    if not LANGUAGE.match(language):
        raise InvalidReport("language", "must be a language code such as es")
    outcome = _text(data, "outcome", required=True)
    if outcome not in Outcome.values:
        raise InvalidReport("outcome", f"must be one of {', '.join(Outcome.values)}")
    category = _text(data, "category")
    if category and not TaxonomyTerm.objects.filter(code=category, parent__isnull=True).exists():
        raise InvalidReport("category", "is not a top-level need of the directory's taxonomy")
    need = _text(data, "need")
    if need and not (category and TaxonomyTerm.objects.filter(code=need, parent__code=category).exists()):
        raise InvalidReport("need", "is not a sub-need of the category")
    neighbourhood = _text(data, "neighbourhood")
    if neighbourhood:
        neighbourhood = neighbourhoods.known(neighbourhood) if len(neighbourhood) <= 100 else None
        if neighbourhood is None:
            raise InvalidReport("neighbourhood", "is not a neighbourhood of the directory's addresses")
    near = _point(data)
    if near is not None and not neighbourhood:  # a name the user gave wins over the place they shared
        neighbourhood = neighbourhoods.at(*near)
    example = _text(data, "example")
    if example and outcome != Outcome.FALLBACK:
        example = ""  # examples are kept for messages not understood only
    return {
        "week": week,
        "language": language,
        "category": category,
        "need": need,
        "neighbourhood": neighbourhood,
        "outcome": outcome,
        "example": scrub(example),
    }


def record(report: Dict[str, str]) -> None:
    """Count one validated report and keep its example while its group has fewer than EXAMPLES_PER_GROUP."""
    key = {k: report[k] for k in ("week", "language", "category", "need", "neighbourhood", "outcome")}
    with transaction.atomic():
        # Write first: on SQLite this takes the write lock at once (no read-then-upgrade deadlock).
        if not UnmetNeedCount.objects.filter(**key).update(count=F("count") + 1):
            try:
                with transaction.atomic():
                    UnmetNeedCount.objects.create(**key, count=1)
            except IntegrityError:  # created concurrently since: count on that row
                UnmetNeedCount.objects.filter(**key).update(count=F("count") + 1)
        if report.get("example"):
            _keep_example(report)
            forget_old_examples()  # also an example of a week already past retention is not kept


def _keep_example(report: Dict[str, str]) -> Optional[ExamplePhrasing]:
    group = {k: report[k] for k in ("week", "language", "category", "outcome")}
    existing = ExamplePhrasing.objects.filter(**group)
    if existing.filter(text=report["example"]).exists():
        return None
    taken = set(existing.values_list("slot", flat=True))
    for slot in range(1, EXAMPLES_PER_GROUP + 1):
        if slot in taken:
            continue
        try:
            with transaction.atomic():
                return ExamplePhrasing.objects.create(**group, slot=slot, text=report["example"])
        except IntegrityError:  # taken concurrently: try the next one
            continue
    return None
