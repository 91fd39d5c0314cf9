"""Finding services in the directory for the newcomer's need."""
import asyncio
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from .base import NewcomerAction
from .directory_client import DirectoryClient, DirectoryUnavailable
from .service_card import card_values, structured
from .unmet_needs import FALLBACK, NO_SERVICE, report as report_unmet_need

logger = logging.getLogger(__name__)

SERVICES_PER_REPLY = 3
# Intent names carry the directory's top-level taxonomy code: find_<code>; `emergency` is its own term.
INTENT_PREFIX = "find_"

_client: Optional[DirectoryClient] = None


def directory() -> DirectoryClient:
    global _client
    if _client is None:
        _client = DirectoryClient.from_environment()
    return _client


def wants_structured_cards(tracker: Tracker) -> bool:
    """Clients that render cards themselves (the web widget) say so in the message metadata."""
    metadata = tracker.latest_message.get("metadata") or {}
    return isinstance(metadata, dict) and metadata.get("cards") is True


def category_of(tracker: Tracker) -> Optional[str]:
    intent = (tracker.latest_message.get("intent") or {}).get("name") or ""
    if intent.startswith(INTENT_PREFIX):
        return intent[len(INTENT_PREFIX):]
    return intent if intent == "emergency" else None


def sub_need_of(tracker: Tracker, category: str) -> Optional[str]:
    """The first `need` entity that is a child term of `category` (e.g. health-dentist)."""
    for entity in tracker.latest_message.get("entities") or []:
        value = entity.get("value")
        if entity.get("entity") == "need" and isinstance(value, str) and value.startswith(f"{category}-"):
            return value
    return None


class ActionFindServices(NewcomerAction):
    timeout_response = "utter_directory_unavailable"

    def name(self) -> Text:
        return "action_find_services"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        category = category_of(tracker)
        if category is None:
            dispatcher.utter_message(response="utter_fallback")
            report_unmet_need(tracker, FALLBACK, language=self.language(tracker))
            return []
        sub_need = sub_need_of(tracker, category)
        terms = [t for t in (sub_need, category) if t]
        try:
            services = []
            for term in terms:  # the specific need first, then the whole category
                services = await asyncio.to_thread(directory().search_services, term, SERVICES_PER_REPLY)
                if services:
                    break
        except DirectoryUnavailable as error:  # not an unmet need: not reported
            logger.warning("directory unavailable: %s", error)
            dispatcher.utter_message(response="utter_directory_unavailable")
            return []
        if not services:
            dispatcher.utter_message(response="utter_no_services")
            report_unmet_need(tracker, NO_SERVICE, category, sub_need, self.language(tracker))
            return []
        dispatcher.utter_message(response=f"utter_results_{category}")
        language = self.language(tracker)
        with_cards = wants_structured_cards(tracker)
        for service in services:
            extra = {"json_message": structured(service)} if with_cards else {}
            dispatcher.utter_message(response="utter_service_card", **card_values(service, language), **extra)
        return []
