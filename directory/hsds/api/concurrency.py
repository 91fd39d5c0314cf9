"""Optimistic concurrency for writes: a record's `version` is its ETag; a write may send it back in If-Match
(or as a `version` field) and is refused with 412 when the record changed since; the record is locked
for the writing transaction so that two writers cannot both pass the check.
"""

import uuid

from django.db.models import F
from django.http import Http404

from . import permissions
from .errors import VersionMismatch


def etag(record) -> str:
    """The record's version as an entity tag; writes may send it back in If-Match."""
    return f'"{record.version}"'


def expected_version(request, data):
    """The version the client read, from If-Match or a `version` field; None when it sent neither."""
    sent = []
    header = request.META.get("HTTP_IF_MATCH", "").strip()
    if header and header != "*":
        for tag in header.split(","):
            tag = tag.strip()
            if tag.startswith("W/"):
                tag = tag[2:]
            sent.append(tag.strip('"'))
    if "version" in data and data["version"] not in (None, ""):
        sent.append(str(data["version"]))
    return sent or None


def check_version(request, data, record) -> None:
    sent = expected_version(request, data)
    if sent is not None and str(record.version) not in sent:
        raise VersionMismatch(", ".join(sent)[:40], record.version)


def locked(model, raw_id: str, user):
    """The record, locked for this transaction so that two writers cannot both pass the version check
    (and only if `user` may change it)."""
    try:
        record_id = uuid.UUID(raw_id)
        # A no-op write first: it takes SQLite's write lock (select_for_update is a no-op there)
        # and PostgreSQL's row lock, so a concurrent writer reads the version only after we commit.
        model.objects.filter(id=record_id).update(version=F("version"))
        record = model.objects.select_for_update().get(id=record_id)
    except (ValueError, model.DoesNotExist):
        raise Http404("No record has this id.")
    permissions.require_owner(user, record)
    return record
