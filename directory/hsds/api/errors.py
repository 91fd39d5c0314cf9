"""JSON errors for the API: always {"error": ..., "detail": ...}, never an HTML page.

Write API errors add context: `fields` (400, field → messages in plain words), `current_version`
(412, the version to send in If-Match after re-reading the record).
"""

from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


class BadParameter(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_parameter"

    def __init__(self, parameter: str, message: str):
        self.parameter = parameter
        super().__init__(detail=message)


class InvalidRecord(APIException):
    """A write whose values do not pass the directory's validation (400, every problem listed)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"

    def __init__(self, fields: dict):
        self.fields = {name: [str(m) for m in messages] for name, messages in fields.items()}
        summary = "; ".join(f"{name}: {' '.join(messages)}" for name, messages in list(self.fields.items())[:5])
        super().__init__(detail=f"The record was not saved. {summary}")


class VersionMismatch(APIException):
    """Optimistic concurrency: the client edited an older version of the record (412)."""

    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "version_mismatch"

    def __init__(self, sent, current: int):
        self.current_version = current
        super().__init__(
            detail=f"This record was changed since you read it (you sent version {sent}, it is now version {current}). " f'Read it again, reapply your change and send If-Match: "{current}".'
        )


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def exception_handler(exc, context):
    if isinstance(exc, BadParameter):
        return Response(
            {"error": "bad_parameter", "parameter": exc.parameter, "detail": str(exc.detail)},
            status=exc.status_code,
        )
    if isinstance(exc, InvalidRecord):
        return Response({"error": "invalid", "detail": str(exc.detail), "fields": exc.fields}, status=exc.status_code)
    if isinstance(exc, VersionMismatch):
        return Response(
            {"error": "version_mismatch", "detail": str(exc.detail), "current_version": exc.current_version},
            status=exc.status_code,
            headers={"ETag": f'"{exc.current_version}"'},
        )
    response = drf_exception_handler(exc, context)
    if response is not None:
        detail = response.data.get("detail") if isinstance(response.data, dict) else response.data
        code = getattr(exc, "default_code", None) or {404: "not_found", 405: "method_not_allowed"}.get(response.status_code, "error")
        response.data = {"error": code, "detail": str(detail)}
    return response
