"""The HSDS paged list shape: `page` and `per_page` (capped), the page's rows and the totals around them."""

import math

from django.conf import settings
from rest_framework.response import Response

from . import parameters


def page_window(params) -> tuple:
    """(page, per_page) from the query; `format` is checked here as every list is paged."""
    parameters.response_format(params)
    page = parameters.positive_int(params, "page", 1)
    per_page = min(parameters.positive_int(params, "per_page", settings.HSDS_DEFAULT_PER_PAGE), settings.HSDS_MAX_PER_PAGE)
    return page, per_page


def paged(request, queryset, render) -> Response:
    """One page of `queryset` (a queryset, or anything countable and sliceable), its rows rendered by `render`."""
    page, per_page = page_window(request.query_params)
    total = queryset.count()
    total_pages = max(1, math.ceil(total / per_page))
    rows = list(queryset[(page - 1) * per_page : page * per_page])
    contents = render(rows)
    return Response(
        {
            "total_items": total,
            "total_pages": total_pages,
            "page_number": page,
            "size": len(contents),
            "first_page": page == 1,
            "last_page": page >= total_pages,
            "empty": len(contents) == 0,
            "contents": contents,
        },
        headers=distance_header(queryset, rows),
    )


DISTANCE_HEADER = "Distance-Metres"


def distance_header(queryset, rows) -> dict:
    """With `lat`/`lon`: how far each row of the page is from the point (to its nearest location), as
    `Distance-Metres: <id>=<metres>, ...` (rows without coordinates are left out). A header rather than a
    field: HSDS records have no distance, and clients (the action server) need not measure it again."""
    distances = getattr(queryset, "distances", None)
    if not distances:
        return {}
    shown = [f"{row.id}={round(distances[row.id])}" for row in rows if row.id in distances]
    return {DISTANCE_HEADER: ", ".join(shown)} if shown else {}
