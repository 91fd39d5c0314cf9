"""The reply to a message the assistant did not understand (NLU fallback), counted as an unmet need."""
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from .base import NewcomerAction
from .unmet_needs import FALLBACK, report


class ActionFallback(NewcomerAction):
    def name(self) -> Text:
        return "action_fallback"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_fallback")
        report(tracker, FALLBACK, language=self.language(tracker))  # returns at once: queued, sent in the background
        return []
