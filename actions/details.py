""" "Tell me more about the second one" / "...about the Job Desk": everything the directory says about one
service of the last reply: description, who may use it, fees, how to apply, documents, all opening
hours, address with a map link, phone, website, e-mail, languages.

Which one: a position among the cards of the last reply (words per language in ordinals.yml, or a
digit), else the service whose name the message gives. The last reply's cards are the same search's
page again (the conversation stores no service ids), so nothing extra is kept about the user.
"""

import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from .follow_ups import FollowUpAction, active_filters, cards_shown_since_list
from .locales import fragments
from .service_card import card_values
from .services import SERVICES_PER_REPLY, last_search
from .spoken_language import folded

ORDINALS = Path(__file__).with_name("ordinals.yml")
MAP_LINK = "https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=17/{lat:.5f}/{lon:.5f}"
SHORT_WORD = 3  # words this short ("de", "the", "and") say nothing about which service is meant


@lru_cache(maxsize=1)
def _ordinals() -> Dict[str, int]:
    words: Dict[str, int] = {}
    for table in yaml.safe_load(ORDINALS.read_text(encoding="utf-8")).values():
        words.update({folded(str(word)): int(position) for word, position in table.items()})
    return words


def named_position(text: str) -> Optional[int]:
    """1 for "the first one", 2 for "number 2", -1 for "the last one"; None when no position is named."""
    message = folded(text)
    digit = re.search(r"(?<![\w.])([1-9])(?![\w.])", message)
    if digit:
        return int(digit.group(1))
    for word in message.replace("?", " ").replace("؟", " ").split():
        if word in _ordinals():
            return _ordinals()[word]
    return None


def named_service(text: str, services: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    """The service whose name's words the message shares most (at least one long word)."""
    words = {w for w in re.findall(r"\w+", folded(text)) if len(w) > SHORT_WORD}
    best, best_score = None, 0
    for service in services:
        shared = words & {w for w in re.findall(r"\w+", folded(service.get("name", ""))) if len(w) > SHORT_WORD}
        if len(shared) > best_score:
            best, best_score = service, len(shared)
    return best


def details_values(service: Dict[str, Any], language: str) -> Dict[str, str]:
    text = fragments(language)
    values = card_values(service, language)
    location = next(iter(service.get("service_at_locations") or []), {}).get("location") or {}
    lat, lon = location.get("latitude"), location.get("longitude")
    map_link = MAP_LINK.format(lat=float(lat), lon=float(lon)) if lat is not None and lon is not None else ""
    return {
        **values,
        "description": service.get("description") or text["unknown"],
        "eligibility": service.get("eligibility_description") or text["unknown"],
        "fees": service.get("fees_description") or text["unknown"],
        "application": service.get("application_process") or text["unknown"],
        "website": service.get("url") or text["unknown"],
        "email": service.get("email") or text["unknown"],
        "map": f"\n{map_link}" if map_link else "",
    }


class ActionShowDetails(FollowUpAction):
    def name(self) -> Text:
        return "action_show_details"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        category, need = last_search(tracker)
        shown = cards_shown_since_list(tracker)
        if category is None or not shown:
            dispatcher.utter_message(response="utter_more_without_search")
            return []
        language = self.language(tracker)
        last_page = math.ceil(shown / SERVICES_PER_REPLY)
        services = await self.page_of_search(category, need, last_page, language, active_filters(tracker))
        if services is None:
            dispatcher.utter_message(response="utter_directory_unavailable")
            return []
        message = tracker.latest_message.get("text") or ""
        position = named_position(message)
        chosen = None
        if position is not None and services and -len(services) <= position <= len(services) and position != 0:
            chosen = services[position - 1 if position > 0 else position]
        elif position is None:
            chosen = named_service(message, services)
        if chosen is None:
            dispatcher.utter_message(response="utter_which_service")
            return []
        dispatcher.utter_message(response="utter_service_details", **details_values(chosen, language))
        return []
