"""Follow-ups that add one condition to the last search ("any that speak Tigrinya?", "open on Saturday?").

The condition joins those added since the last new question (they carry over); when nothing fits them
all, the answer says which condition could not be met and shows the same search without it, labelled.
"""
from abc import abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .follow_ups import FILTER_SLOTS, FollowUpAction, active_filters
from .services import last_search


class RefineAction(FollowUpAction):
    parameter: str  # the directory's parameter for this condition (a key of FILTER_SLOTS)
    results_response: str  # "These services ...:" before the cards that meet every condition
    none_response: str  # "None ...; without that condition:" before the closest alternatives
    ask_response: str  # the message named no value of this condition: ask for one

    @abstractmethod
    async def value_in(self, tracker: Tracker, ui_language: str) -> Optional[str]:
        """The condition's value the latest message names (a directory parameter value), else None."""

    @abstractmethod
    def labels(self, value: str, ui_language: str) -> Dict[str, str]:
        """The slots of the two responses (how the answer names the condition)."""

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        category, need = last_search(tracker)
        if category is None:
            dispatcher.utter_message(response="utter_more_without_search")
            return []
        ui_language = self.language(tracker)
        value = await self.value_in(tracker, ui_language)
        if value is None:
            dispatcher.utter_message(response=self.ask_response)
            return []
        slot = FILTER_SLOTS[self.parameter]
        conditions = {**active_filters(tracker), self.parameter: value}
        services = await self.page_of_search(category, need, 1, ui_language, conditions)
        if services is None:
            dispatcher.utter_message(response="utter_directory_unavailable")
            return []
        if services:
            dispatcher.utter_message(response=self.results_response, **self.labels(value, ui_language))
            self.send_cards(dispatcher, tracker, services)
            return [SlotSet(slot, value)]
        # Nothing fits: the closest list is the same search without this condition (the others kept).
        others = await self.page_of_search(category, need, 1, ui_language, {k: v for k, v in conditions.items() if k != self.parameter})
        if not others:
            dispatcher.utter_message(response="utter_no_services" if others is not None else "utter_directory_unavailable")
            return [SlotSet(slot, None)]
        dispatcher.utter_message(response=self.none_response, **self.labels(value, ui_language))
        self.send_cards(dispatcher, tracker, others)
        return [SlotSet(slot, None)]
