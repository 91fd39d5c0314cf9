"""The reply to a message the assistant did not understand (NLU fallback), counted as an unmet need; after a
list of services, a message that names a condition is that follow-up instead."""

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from .base import NewcomerAction
from .conditions import conditions_in
from .refine import refiner_for
from .services import last_search
from .unmet_needs import FALLBACK, report


class ActionFallback(NewcomerAction):
    def name(self) -> Text:
        return "action_fallback"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        # Not understood as a whole, but after a list it names a condition ("بس اللي ببلاش"): that follow-up.
        category, _ = last_search(tracker)
        if category is not None:
            named = await conditions_in(tracker.latest_message.get("text") or "", self.language(tracker), category)
            if named:
                return await refiner_for(next(iter(named))).act(dispatcher, tracker, domain)
        dispatcher.utter_message(response="utter_fallback")
        report(tracker, FALLBACK, language=self.language(tracker))  # returns at once: queued, sent in the background
        return []
