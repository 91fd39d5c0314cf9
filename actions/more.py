""""More": the next results of the user's last search, never repeating a service already shown."""
import asyncio
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from .base import NewcomerAction
from .directory_client import DirectoryUnavailable
from .service_card import card_values, structured
from .services import SERVICES_PER_REPLY, directory, last_search, wants_structured_cards

logger = logging.getLogger(__name__)

SEARCH_ACTION = "action_find_services"
CARD_RESPONSE = "utter_service_card"


def cards_shown_since_search(tracker: Tracker) -> Optional[int]:
    """How many service cards the last search and the "more" answers after it showed; None: no search yet.

    Counted from the conversation itself (each card is a bot message sent as `utter_service_card`), so
    nothing extra is stored and a restarted server continues where the user left off.
    """
    shown = None
    for event in tracker.events:
        if event.get("event") == "action" and event.get("name") == SEARCH_ACTION:
            shown = 0
        elif shown is not None and event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") == CARD_RESPONSE:
            shown += 1
    return shown


class ActionMoreServices(NewcomerAction):
    timeout_response = "utter_directory_unavailable"

    def name(self) -> Text:
        return "action_more_services"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        category, need = last_search(tracker)
        shown = cards_shown_since_search(tracker)
        if category is None or shown is None:
            dispatcher.utter_message(response="utter_more_without_search")
            return []
        # A reply with fewer cards than a full page was the end of the list.
        services = await self.next_page(category, need, shown, self.language(tracker)) if shown % SERVICES_PER_REPLY == 0 else []
        if services is None:
            dispatcher.utter_message(response="utter_directory_unavailable")
            return []
        if not services:
            dispatcher.utter_message(response="utter_no_more_results")
            return []
        dispatcher.utter_message(response="utter_more_results")
        with_cards = wants_structured_cards(tracker)
        for service in services:
            extra = {"json_message": structured(service, None)} if with_cards else {}
            dispatcher.utter_message(response=CARD_RESPONSE, **card_values(service, self.language(tracker), None), **extra)
        return []

    @staticmethod
    async def next_page(category: str, need: Optional[str], shown: int, language: str) -> Optional[List[dict]]:
        """The page after `shown` cards, from the list the search showed: the sub-need's while it had
        services, else the category's (the search falls back to it when the sub-need has none)."""
        page = shown // SERVICES_PER_REPLY + 1
        search = directory().search_services
        try:
            if need:
                services = await asyncio.to_thread(search, need, SERVICES_PER_REPLY, lang=language, page=page)
                if services or await asyncio.to_thread(search, need, 1, lang=language):
                    return services
            return await asyncio.to_thread(search, category, SERVICES_PER_REPLY, lang=language, page=page)
        except DirectoryUnavailable as error:
            logger.warning("directory unavailable: %s", error)
            return None
