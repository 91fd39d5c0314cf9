"""The one create and update sequence of every writable resource (DRF's create and update mixins):
authenticate the token (permissions.py), parse the payload, act as the token's user in one transaction
(recorded in the audit trail via "api"), lock the record and check its version (concurrency.py), run the
resource's writer (writers.py), and answer with the record as a GET of it reads, plus the write's headers:
`Ignored-Fields`, and `Location` for a new record.
"""

import uuid

from django.db import transaction
from rest_framework import status
from rest_framework.exceptions import ParseError

from hsds import audit

from .concurrency import check_version, locked
from .errors import Conflict, InvalidRecord
from .permissions import TokenForWrites


def payload(request) -> dict:
    data = request.data
    if not isinstance(data, dict):
        raise ParseError("Send one service as a JSON object.")
    return data


def new_record(model, data: dict):
    record = model()
    raw_id = data.get("id")
    if raw_id not in (None, ""):
        try:
            record.id = uuid.UUID(str(raw_id))
        except ValueError:
            raise InvalidRecord({"id": [f"'{str(raw_id)[:40]}' is not a UUID; leave it out to get one."]})
    if model.objects.filter(id=record.id).exists():
        raise Conflict(f"A record with id {record.id} exists already; update it with PUT or PATCH.")
    return record


class WritableResource(TokenForWrites):
    """Writes of a resource. The resource's view class names `model`, `writer` (a writers.RecordWriter),
    `collection` (/api/<collection>/<id> is a record's URL) and `read(record_id)`, the Response of a GET
    of one record with its ETag; they are not defined here, as this mixin comes first in the bases."""

    def written(self, record, ignored: list, status_code=status.HTTP_200_OK):
        response = self.read(str(record.id))
        response.status_code = status_code
        if ignored:
            response["Ignored-Fields"] = ", ".join(sorted(set(ignored)))[:2000]
        if status_code == status.HTTP_201_CREATED:
            response["Location"] = self.request.build_absolute_uri(f"/api/{self.collection}/{record.id}")
        return response


class CreateMixin(WritableResource):
    """POST on a collection: a new record (201, Location, ETag)."""

    def check_create(self, request) -> None:
        """Who may create this kind of record beyond writing at all (hook)."""

    def post(self, request, **kwargs):
        self.check_create(request)
        data = payload(request)
        with audit.acting_as(request.user.username, "api"), transaction.atomic():
            record = new_record(self.model, data)
            writer = self.writer(request.user, record, data, replace=True, creating=True)
            writer.run()
        return self.written(record, writer.ignored, status.HTTP_201_CREATED)


class UpdateMixin(WritableResource):
    """PUT (replace) and PATCH (change what is named) of one record, with If-Match."""

    def update(self, request, record_id: str, replace: bool):
        data = payload(request)
        with audit.acting_as(request.user.username, "api"), transaction.atomic():
            record = locked(self.model, record_id, request.user)
            check_version(request, data, record)
            writer = self.writer(request.user, record, data, replace=replace, creating=False)
            writer.run()
        return self.written(record, writer.ignored)

    def put(self, request, **kwargs):
        return self.update(request, next(iter(kwargs.values())), replace=True)

    def patch(self, request, **kwargs):
        return self.update(request, next(iter(kwargs.values())), replace=False)
