"""Distances on the Earth's surface, for the "near a point" search (no GIS database needed)."""

import math

from contracts.geo import EARTH_RADIUS_METRES, haversine_metres  # noqa: F401 (measured the same way by the action server)

METRES_PER_DEGREE_LATITUDE = 111_320.0


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
