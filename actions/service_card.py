"""Turns an HSDS service into the values of the `utter_service_card` response."""

import json
import math
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

from babel.dates import format_date
from babel.numbers import format_decimal

from .locales import fragments

ALL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
# One source for a card's labels: the widget's words, so a text card and the widget say the same.
WIDGET_WORDS = Path(__file__).resolve().parents[1] / "widget" / "i18n.json"
CARD_LABELS = ["address", "opening_hours", "phone", "languages_spoken", "what_to_bring"]


@lru_cache(maxsize=None)
def card_labels(language: str) -> Dict[str, str]:
    """`label_<key>` values for the text card, from widget/i18n.json (English when the language is missing)."""
    words = json.loads(WIDGET_WORDS.read_text(encoding="utf-8"))
    chosen = words.get(language) or words["en"]
    return {f"label_{key}": chosen[key] for key in CARD_LABELS}


def _first(items: List[Dict[str, Any]]) -> Dict[str, Any]:
    return items[0] if items else {}


def day_span(codes: List[str], text: Dict[str, Any]) -> str:
    """MO,TU,WE → 'Mon–Wed'; non-consecutive days are listed."""
    names = text["days"]
    ordered = [d for d in ALL_DAYS if d in codes]
    indexes = [ALL_DAYS.index(d) for d in ordered]
    if len(ordered) > 2 and indexes == list(range(indexes[0], indexes[-1] + 1)):
        return text["day_range"].format(first=names[ordered[0]], last=names[ordered[-1]])
    return text["list_separator"].join(names[d] for d in ordered)


def opening_hours(schedules: List[Dict[str, Any]], text: Dict[str, Any]) -> str:
    rules = []
    for rule in schedules:
        days = [d.strip() for d in (rule.get("byday") or "").split(",") if d.strip() in ALL_DAYS]
        opens, closes = rule.get("opens_at"), rule.get("closes_at")
        if not days or not opens or not closes:
            continue
        if len(days) == 7 and opens == "00:00" and closes in ("23:59", "24:00"):
            return text["open_always"]
        rules.append(f"{day_span(days, text)} {opens}–{closes}")
    return "; ".join(rules) if rules else text["no_hours"]


def address(service: Dict[str, Any], text: Dict[str, Any]) -> str:
    location = _first(service.get("service_at_locations", [])).get("location", {})
    place = _first(location.get("addresses", []))
    if not place:
        return text["unknown"]
    parts = [place.get("address_1"), place.get("region"), " ".join(p for p in (place.get("postal_code"), place.get("city")) if p)]
    return ", ".join(p for p in parts if p)


def is_appointment_only(service: Dict[str, Any]) -> bool:
    return any((a.get("taxonomy_term") or {}).get("code") == "appointment-required" for a in service.get("attributes", []))


def distance_text(metres: float, text: Dict[str, Any]) -> str:
    """'300 m' under a kilometre (rounded up to 100 m: shared locations are approximate), else '1.2 km'."""
    if metres < 950:
        return text["metres"].format(value=format_decimal(max(100, math.ceil(metres / 100) * 100), locale=text["locale"]))
    kilometres = round(metres / 1000, 1) if metres < 9950 else round(metres / 1000)
    return text["kilometres"].format(value=format_decimal(kilometres, format="#,##0.#", locale=text["locale"]))


def assured_date(service: Dict[str, Any]) -> Optional[date]:
    """When staff last checked the service (HSDS `assured_date`), if the directory says."""
    raw = service.get("assured_date")
    try:
        return date.fromisoformat(raw[:10]) if isinstance(raw, str) else None
    except ValueError:
        return None


def extra_line(fragment: str) -> str:
    """An optional line appended to a placeholder of the card ('' leaves the card as it was)."""
    return "\n" + fragment if fragment else ""


def card_values(service: Dict[str, Any], language: str, metres: Optional[float] = None) -> Dict[str, str]:
    """The card's placeholders; `metres`: how far the service is from the user's shared location (the directory says)."""
    text = fragments(language)
    checked = assured_date(service)
    hours = opening_hours(service.get("schedules", []), text)
    if is_appointment_only(service):
        hours = f"{hours} ({text['appointment_required']})"
    spoken = [lang.get("code") for lang in service.get("languages", []) if lang.get("code")]
    documents = [d.get("document") for d in service.get("required_documents", []) if d.get("document")]
    return {
        **card_labels(language),
        "name": service.get("name", ""),
        "address": address(service, text),
        "hours": hours,
        "phone": _first(service.get("phones", [])).get("number") or text["unknown"],
        "languages": text["list_separator"].join(text["languages"].get(code, code) for code in spoken) or text["unknown"],
        "documents": text["list_separator"].join(documents) or text["no_documents"],
        "distance": extra_line(text["distance_away"].format(distance=distance_text(metres, text)) if metres is not None else ""),
        "verified": extra_line(text["verified_on"].format(date=format_date(checked, format="long", locale=text["locale"])) if checked else ""),
    }


def structured(service: Dict[str, Any], metres: Optional[float] = None) -> Dict[str, Any]:
    """Machine-readable card for clients that render services themselves (the web widget).

    Only facts from the directory; the client supplies its own translated labels.
    """
    location = _first(service.get("service_at_locations", [])).get("location", {})
    place = _first(location.get("addresses", []))
    checked = assured_date(service)
    return {
        "type": "service",
        "id": service.get("id"),
        "name": service.get("name", ""),
        "description": service.get("description", ""),
        "status": service.get("status"),
        "address": {k: place.get(k) for k in ("address_1", "region", "postal_code", "city") if place.get(k)},
        "latitude": location.get("latitude"),
        "longitude": location.get("longitude"),
        "phone": _first(service.get("phones", [])).get("number"),
        "schedules": [{k: rule.get(k) for k in ("byday", "opens_at", "closes_at")} for rule in service.get("schedules", []) if rule.get("byday") and rule.get("opens_at") and rule.get("closes_at")],
        "languages": [lang.get("code") for lang in service.get("languages", []) if lang.get("code")],
        "documents": [d.get("document") for d in service.get("required_documents", []) if d.get("document")],
        "appointment_only": is_appointment_only(service),
        "url": service.get("url"),
        "email": service.get("email"),
        "distance_m": round(metres) if metres is not None else None,  # from the shared location, when there is one
        "assured_date": checked.isoformat() if checked else None,  # when city staff last checked it
    }
