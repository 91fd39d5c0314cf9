"""The action server's report endpoint and the staff page (filters, totals, examples, CSV)."""

import csv
import hmac
import json
import logging
import os
import uuid
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import OperationalError
from django.db.models import Sum
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from hsds.roles import ADMINISTRATOR, EDITOR, role_of

from . import neighbourhoods
from .models import ExamplePhrasing, Outcome, UnmetNeedCount
from .retention import forget_old_examples
from .recording import InvalidReport, record, validate

logger = logging.getLogger(__name__)

TOKEN_VARIABLE = "DIRECTORY_ANALYTICS_TOKEN"
MAX_REPORT_BYTES = 4096
PAGE_ROWS = 500  # the CSV export has every row
FILTERS = ("week", "language", "category", "need", "neighbourhood", "outcome")
CSV_COLUMNS = ("week", "language", "category", "need", "neighbourhood", "outcome", "count")


def _authorized(request) -> bool:
    """Bearer DIRECTORY_ANALYTICS_TOKEN; with the variable unset, nobody is."""
    expected = os.environ.get(TOKEN_VARIABLE, "")
    if not expected:
        return False
    supplied = request.headers.get("Authorization", "")
    return hmac.compare_digest(supplied.encode(), f"Bearer {expected}".encode())


@csrf_exempt
@require_POST
def report(request):
    """POST one unmet need: {"week", "language", "category", "need", "neighbourhood", "outcome", "example",
    "near": {"latitude", "longitude"}}; `near` (a search point) only selects the neighbourhood."""
    if not _authorized(request):
        return JsonResponse({"error": "forbidden"}, status=403)
    if len(request.body) > MAX_REPORT_BYTES:
        return JsonResponse({"error": "report too large"}, status=413)
    try:
        data = json.loads(request.body.decode("utf-8"))
    except ValueError:  # also UnicodeDecodeError
        return JsonResponse({"error": "body must be JSON", "field": "body"}, status=400)
    try:
        record(validate(data))
    except InvalidReport as error:
        return JsonResponse({"error": str(error), "field": error.field}, status=400)
    except OperationalError:  # e.g. database locked or down: rolled back, nothing counted, safe to resend
        logger.warning("unmet-need report not counted: database unavailable")
        return JsonResponse({"error": "try again"}, status=503)
    return JsonResponse({"counted": True}, status=201)


@require_GET
def neighbourhood_names(request):
    """The neighbourhood names the action server looks for in messages (same token as the reports)."""
    if not _authorized(request):
        return JsonResponse({"error": "forbidden"}, status=403)
    return JsonResponse({"neighbourhoods": neighbourhoods.names()})


# Staff ---------------------------------------------------------------------------------------------


def _role(request):
    role = role_of(request.user)
    if role is None:  # staff account without a directory role
        raise PermissionDenied
    return role


def can_delete_examples(role) -> bool:
    return role in (ADMINISTRATOR, EDITOR)


def _filters(params):
    return {name: params[name] for name in FILTERS if params.get(name)}


def _counts(filters):
    return UnmetNeedCount.objects.filter(**filters)


def _examples(filters):
    # Examples are grouped by week, language, category and outcome only; expired ones are gone first.
    forget_old_examples()
    return ExamplePhrasing.objects.filter(**{k: v for k, v in filters.items() if k in ("week", "language", "category", "outcome")})


def _choices(field):
    values = UnmetNeedCount.objects.order_by(field).values_list(field, flat=True).distinct()
    return [v for v in values if v != ""]


@require_GET
def staff_page(request):
    role = _role(request)
    filters = _filters(request.GET)
    rows = _counts(filters)
    context = {
        **request_admin_context(request),
        "title": "Unmet needs",
        "rows": rows[:PAGE_ROWS],
        "hidden_rows": max(0, rows.count() - PAGE_ROWS),
        "total": rows.aggregate(total=Sum("count"))["total"] or 0,
        "examples": _examples(filters),
        "filters": filters,
        "choices": {
            "week": sorted(_choices("week"), reverse=True),
            "language": _choices("language"),
            "category": _choices("category"),
            "need": _choices("need"),
            "neighbourhood": _choices("neighbourhood"),
            "outcome": Outcome.choices,
        },
        "can_delete": can_delete_examples(role),
        "query": urlencode(filters),
    }
    return render(request, "analytics/unmet_needs.html", context)


def request_admin_context(request):
    return admin.site.each_context(request)  # the admin's header, navigation and site title


@require_GET
def export_csv(request):
    _role(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="unmet-needs.csv"'
    writer = csv.writer(response)
    writer.writerow(CSV_COLUMNS)
    for row in _counts(_filters(request.GET)).values_list(*CSV_COLUMNS):
        writer.writerow([_safe_cell(value) for value in row])
    return response


def _safe_cell(value):
    """No spreadsheet formulas from data (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@require_POST
def delete_examples(request):
    if not can_delete_examples(_role(request)):
        raise PermissionDenied
    ids = []
    for value in request.POST.getlist("example"):
        try:
            ids.append(uuid.UUID(value))
        except ValueError:
            continue
    deleted, _ = ExamplePhrasing.objects.filter(id__in=ids).delete() if ids else (0, None)
    messages.success(request, f"Deleted {deleted} example{'s' if deleted != 1 else ''}.")
    query = urlencode(_filters(QueryDict(request.POST.get("query", ""))))
    back = reverse("analytics:staff")
    return HttpResponseRedirect(f"{back}?{query}" if query else back)
