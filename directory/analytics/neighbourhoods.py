"""The city's neighbourhoods, as the directory knows them: the `region` of its addresses.

Unmet-need reports name a neighbourhood in one of two ways: the action server matched one of these
names in the message, or the search was near a shared location, which is mapped here to the region of
the nearest address within DIRECTORY_NEIGHBOURHOOD_RADIUS_METRES. The coordinates are only used for
that lookup, never stored. Only names the directory knows are counted, so no free text (an address,
a name) can end up in the statistics.
"""

import math
from typing import List, Optional

from django.conf import settings

from hsds import geo
from hsds.models import Address


def names() -> List[str]:
    """Every neighbourhood named in the directory's addresses, sorted (as GET /api/regions lists them)."""
    return Address.neighbourhoods()


def known(name: str) -> Optional[str]:
    """The directory's spelling of `name` (compared without case), or None when it is no neighbourhood of the city."""
    wanted = name.strip().casefold()
    return next((known_name for known_name in names() if known_name.casefold() == wanted), None)


def at(latitude: float, longitude: float, radius_metres: Optional[float] = None) -> str:
    """The neighbourhood of the nearest address within the radius of the point, or "" when none is that close."""
    radius = settings.NEIGHBOURHOOD_RADIUS_METRES if radius_metres is None else radius_metres
    box = geo.bounding_box(latitude, longitude, radius)
    nearby = Address.objects.exclude(region="").filter(
        location__latitude__isnull=False,
        location__longitude__isnull=False,
        location__latitude__gte=box["lat_min"],
        location__latitude__lte=box["lat_max"],
    )
    if "lon_min" in box:
        nearby = nearby.filter(location__longitude__gte=box["lon_min"], location__longitude__lte=box["lon_max"])
    best, best_metres = "", math.inf
    for region, lat, lon in nearby.values_list("region", "location__latitude", "location__longitude"):
        metres = geo.haversine_metres(latitude, longitude, float(lat), float(lon))
        if metres <= radius and (metres, region) < (best_metres, best):
            best, best_metres = region.strip(), metres
    return best
