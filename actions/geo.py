"""Shared locations: validation (the directory orders results by distance and says how far each is: Distance-Metres)."""

import math
from typing import Any, Optional, Tuple

Point = Tuple[float, float]


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
