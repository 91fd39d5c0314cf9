"""JSON errors for the public API: always {"error": ..., "detail": ...}, never an HTML page."""
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


def exception_handler(exc, context):
    if isinstance(exc, BadParameter):
        return Response(
            {"error": "bad_parameter", "parameter": exc.parameter, "detail": str(exc.detail)},
            status=exc.status_code,
        )
    response = drf_exception_handler(exc, context)
    if response is not None:
        detail = response.data.get("detail") if isinstance(response.data, dict) else response.data
        code = getattr(exc, "default_code", None) or {404: "not_found", 405: "method_not_allowed"}.get(response.status_code, "error")
        response.data = {"error": code, "detail": str(detail)}
    return response
