""" "More": the next results of the latest list, never repeating a service already shown."""

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from .follow_ups import FollowUpAction, active_filters, cards_shown_since_list
from .services import SERVICES_PER_REPLY, last_search, offer_refinements


def is_end_of_list(shown_now: int, page: List[dict]) -> bool:
    """Whether the cards shown so far are the whole list: a short page, or as many as the directory holds."""
    total = getattr(page, "total_items", None)
    return len(page) < SERVICES_PER_REPLY or (total is not None and shown_now >= total)


class ActionMoreServices(FollowUpAction):
    def name(self) -> Text:
        return "action_more_services"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        category, need = last_search(tracker)
        shown = cards_shown_since_list(tracker)
        if category is None or shown is None:
            dispatcher.utter_message(response="utter_more_without_search")
            return []
        services = []
        if shown % SERVICES_PER_REPLY == 0:  # a reply with fewer cards than a full page was the end of the list
            page = shown // SERVICES_PER_REPLY + 1
            services = await self.page_of_search(category, need, page, self.language(tracker), active_filters(tracker))
        if services is None:
            dispatcher.utter_message(response="utter_directory_unavailable")
        elif not services:
            dispatcher.utter_message(response="utter_no_more_results")
        else:
            dispatcher.utter_message(response="utter_more_results")
            self.send_cards(dispatcher, tracker, services)
            if is_end_of_list(shown + len(services), services):
                dispatcher.utter_message(response="utter_no_more_results")
            else:
                offer_refinements(dispatcher, category)
        return []
