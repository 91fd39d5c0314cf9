"""What follow-ups on the last answer share: which list the last search showed, how much of it, the
conditions added to it (they carry over to the next follow-up; a new question clears them), and cards."""

import asyncio
import logging
from typing import Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from .base import NewcomerAction
from .directory_client import DirectoryUnavailable
from .service_card import card_values, structured
from .services import FILTER_SLOTS, SERVICES_PER_REPLY, directory, wants_structured_cards

logger = logging.getLogger(__name__)

# Actions that start a new list of services; "more" continues the latest one.
LIST_ACTIONS = {"action_find_services", "action_filter_language", "action_filter_open", "action_filter_region", "action_filter_feature"}
CARD_RESPONSE = "utter_service_card"


def active_filters(tracker: Tracker) -> Dict[str, str]:
    """The conditions the follow-ups since the last new question added, as directory parameters."""
    return {parameter: tracker.get_slot(slot) for parameter, slot in FILTER_SLOTS.items() if tracker.get_slot(slot)}


def cards_shown_since_list(tracker: Tracker) -> Optional[int]:
    """How many service cards the latest list and the "more" answers after it showed; None: no list yet.

    Counted from the conversation itself (each card is a bot message sent as `utter_service_card`), so
    nothing extra is stored and a restarted server continues where the user left off.
    """
    shown = None
    for event in tracker.events:
        if event.get("event") == "action" and event.get("name") in LIST_ACTIONS:
            shown = 0
        elif shown is not None and event.get("event") == "bot" and (event.get("metadata") or {}).get("utter_action") == CARD_RESPONSE:
            shown += 1
    return shown


class FollowUpAction(NewcomerAction):
    timeout_response = "utter_directory_unavailable"

    async def page_of_search(self, category: str, need: Optional[str], page: int, ui_language: str, filters: Dict[str, str]) -> Optional[List[dict]]:
        """A page of the list the search showed: the sub-need's when it has services, else the category's
        (the search falls back to it when the sub-need has none), under `filters` (directory parameters),
        ranked. None when the directory cannot be reached."""
        search = directory().search_services
        try:
            # The list is the sub-need's whenever it has any service at all, filtered or not: a filter
            # never widens the search to the rest of the category.
            term = need if need and await asyncio.to_thread(search, need, 1, lang=ui_language) else category
            return await asyncio.to_thread(search, term, SERVICES_PER_REPLY, lang=ui_language, page=page, filters=filters, ranked=True)
        except DirectoryUnavailable as error:
            logger.warning("directory unavailable: %s", error)
            return None

    def send_cards(self, dispatcher: CollectingDispatcher, tracker: Tracker, services: List[dict]) -> None:
        with_cards = wants_structured_cards(tracker)
        for service in services:
            extra = {"json_message": structured(service, None)} if with_cards else {}
            dispatcher.utter_message(response=CARD_RESPONSE, **card_values(service, self.language(tracker), None), **extra)
