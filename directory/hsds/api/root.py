"""The API's root (HSDS version and where its OpenAPI description is), that description, and a JSON 404
for anything else under /api/."""

import json
from functools import lru_cache
from pathlib import Path

from django.http import Http404
from rest_framework.response import Response
from rest_framework.views import APIView

HSDS_VERSION = "3.0"
OPENAPI_FILE = Path(__file__).with_name("openapi.json")


class ApiRootView(APIView):
    def get(self, request):
        return Response(
            {
                "version": HSDS_VERSION,
                "profile": request.build_absolute_uri("/api/openapi.json"),
                "openapi_url": request.build_absolute_uri("/api/openapi.json"),
            }
        )


@lru_cache(maxsize=1)
def openapi_document() -> dict:
    return json.loads(OPENAPI_FILE.read_text(encoding="utf-8"))


class OpenApiView(APIView):
    def get(self, request):
        return Response(openapi_document())


class UnknownEndpointView(APIView):
    def get(self, request):
        raise Http404("No such endpoint or record.")
