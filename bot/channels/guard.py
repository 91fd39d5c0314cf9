"""What every channel does to a user's text before Rasa sees it.

- A leading "/" would let a user trigger any intent with any entities ("/restart",
  '/inform{"slot": ...}'), bypassing NLU: it is removed.
- Very long messages are not understood better, only slower (and gibberish scores as a confident
  intent): they are answered with a localized request to write less.
- Messages with no text (a photo, a sticker, invisible characters) get a localized answer
  that only text is understood.
The two answers are internal intents, triggered by the channel itself (never by the user).
Button payloads are the one exception to the "/" rule: exactly "/<intent>" for the public
intents our buttons carry (no entities), which is what a click on such a button sends anyway.
- A shared location (a messaging app's location message, the widget's "Use my location") becomes
  `/share_location{"latitude": 47.052, "longitude": 8.119}`, built here from two checked numbers and
  rounded to about 100 m (enough to sort by distance; no more precise than needed). The widget
  sends that same text: it passes only when it is exactly that shape with real coordinates, and is
  rebuilt; anything else starting with "/share_location" loses its "/" like any other text.
"""

import json
import math
import os
import re
import unicodedata
from typing import Any, Optional

from contracts import needs
from contracts.languages import LANGUAGES  # the `language` slot's values (domain.yml)

MAX_MESSAGE_CHARACTERS = int(os.environ.get("MAX_MESSAGE_CHARACTERS", "1000"))

# Internal intents: set by channels only; they have rules and responses but no training examples.
MESSAGE_TOO_LONG = "message_too_long"
UNSUPPORTED_MESSAGE = "unsupported_message"
SHARE_LOCATION = "share_location"
INTERNAL_INTENTS = (MESSAGE_TOO_LONG, UNSUPPORTED_MESSAGE, SHARE_LOCATION)
# Decimal places kept of a shared location: 3 is about 110 m of latitude.
LOCATION_DECIMALS = 3
_NUMBER = r"(-?\d{1,3}(?:\.\d{1,12})?)"
_LOCATION_PAYLOAD = re.compile(r'/share_location\{\s*"latitude"\s*:\s*' + _NUMBER + r'\s*,\s*"longitude"\s*:\s*' + _NUMBER + r"\s*\}")

# Intents only the buttons under a list send (domain.yml, utter_refine_choices): no NLU examples.
BUTTON_ONLY_INTENTS = ("refine_open_now", "refine_my_language", "ask_nearby")
# What our buttons send (domain.yml): harmless, entity-free intents a user may choose directly.
BUTTON_PAYLOADS = frozenset(f"/{intent}" for intent in [*(needs.intent(category) for category in needs.CATEGORIES), "delete_conversation", "ask_more", *BUTTON_ONLY_INTENTS])

# Control characters, and lone UTF-16 surrogates (valid in JSON as "\ud800", but not text: they
# made the NLU pipeline fail and the user got no reply at all).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def trigger(intent: str) -> str:
    return f"/{intent}"


def _coordinate(value: Any, limit: float) -> Optional[float]:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if math.isfinite(number) and abs(number) <= limit else None


def location(latitude: Any, longitude: Any) -> str:
    """The internal trigger for a shared location, or "unsupported" when it is not a real one."""
    lat, lon = _coordinate(latitude, 90.0), _coordinate(longitude, 180.0)
    if lat is None or lon is None:
        return trigger(UNSUPPORTED_MESSAGE)
    point = {"latitude": round(lat, LOCATION_DECIMALS) + 0.0, "longitude": round(lon, LOCATION_DECIMALS) + 0.0}
    return trigger(SHARE_LOCATION) + json.dumps(point)


def _location_payload(cleaned: str) -> Optional[str]:
    """The widget's location text, rebuilt, when it is exactly that shape with real coordinates."""
    match = _LOCATION_PAYLOAD.fullmatch(cleaned)
    if match is None:
        return None
    rebuilt = location(match.group(1), match.group(2))
    return rebuilt if rebuilt != trigger(UNSUPPORTED_MESSAGE) else None


def sanitize(text: Any) -> str:
    """The text to hand to Rasa for what a user sent: cleaned text or an internal trigger."""
    if not isinstance(text, str):
        return trigger(UNSUPPORTED_MESSAGE)
    cleaned = _CONTROL.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if cleaned in BUTTON_PAYLOADS:
        return cleaned
    shared = _location_payload(cleaned) if cleaned.startswith("/share_location") else None
    if shared:
        return shared
    if len(cleaned) > MAX_MESSAGE_CHARACTERS:
        return trigger(MESSAGE_TOO_LONG)
    while cleaned.startswith("/"):  # "/ /restart" must not become "/restart"
        cleaned = cleaned.lstrip("/").strip()
    visible = [ch for ch in cleaned if not unicodedata.category(ch).startswith(("Z", "C"))]
    if not visible:
        return trigger(UNSUPPORTED_MESSAGE)
    return cleaned


def with_language(text: str, language: Any) -> str:
    """A payload (a button, a location, an internal trigger) with the language a client chose.

    NLU reads `metadata.language` for typed text, but payloads bypass NLU: the language then rides
    along as the `language` entity (which fills the slot), so the first reply is already in it.
    """
    if not text.startswith("/") or language not in LANGUAGES:
        return text
    name, brace, entities = text[1:].partition("{")
    try:
        values = json.loads(brace + entities) if brace else {}
    except ValueError:
        return text
    return trigger(name) + json.dumps({**values, "language": language})


def sanitize_optional(text: Optional[Any]) -> str:
    return sanitize(text if text is not None else "")
