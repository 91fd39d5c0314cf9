"""Distances on the Earth's surface, for the "near a point" search (no GIS database needed)."""

import math

EARTH_RADIUS_METRES = 6_371_008.8
METRES_PER_DEGREE_LATITUDE = 111_320.0


def haversine_metres(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS 84 points."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_METRES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_metres: float) -> dict:
    """Latitude/longitude bounds that contain every point within the radius (a cheap database prefilter).

    Longitude bounds are left out near the poles and across the antimeridian, where a box would be wrong.
    """
    d_lat = radius_metres / METRES_PER_DEGREE_LATITUDE
    box = {"lat_min": lat - d_lat, "lat_max": lat + d_lat}
    cos_lat = math.cos(math.radians(lat))
    if cos_lat > 1e-6:
        d_lon = radius_metres / (METRES_PER_DEGREE_LATITUDE * cos_lat)
        if lon - d_lon >= -180 and lon + d_lon <= 180:
            box.update(lon_min=lon - d_lon, lon_max=lon + d_lon)
    return box
