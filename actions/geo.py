"""Shared locations: validation and distances (the directory orders results; the cards say how far)."""

import math
from typing import Any, Dict, Optional, Tuple

Point = Tuple[float, float]
EARTH_RADIUS_METRES = 6_371_008.8


def valid_point(latitude: Any, longitude: Any) -> Optional[Point]:
    """(lat, lon) as floats when both are real coordinates, else None (never raises)."""
    values = []
    for value, limit in ((latitude, 90.0), (longitude, 180.0)):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            return None
        if not math.isfinite(number) or abs(number) > limit:
            return None
        values.append(number)
    return values[0], values[1]


def haversine_metres(a: Point, b: Point) -> float:
    phi1, phi2 = math.radians(a[0]), math.radians(b[0])
    d_phi, d_lambda = math.radians(b[0] - a[0]), math.radians(b[1] - a[1])
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(h)))


def service_distance_metres(service: Dict[str, Any], point: Point) -> Optional[float]:
    """Distance from `point` to the service's nearest location with coordinates (None when it has none)."""
    distances = []
    for link in service.get("service_at_locations") or []:
        location = (link or {}).get("location") or {}
        place = valid_point(location.get("latitude"), location.get("longitude"))
        if place is not None:
            distances.append(haversine_metres(point, place))
    return min(distances) if distances else None
