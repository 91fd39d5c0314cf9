""""Only the free ones", "can I go without an appointment?": the last search again, only services with that
feature (`free=true`, `walk_in=true` at the directory). One follow-up intent (`filter_feature`) for both:
the message says which."""
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from .refine import RefineAction
from .service_features import named_features


class FreeFilter(RefineAction):
    parameter = "free"
    results_response = "utter_results_free"
    none_response = "utter_none_free"
    ask_response = "utter_which_feature"

    def name(self) -> Text:
        return "action_filter_free"

    def labels(self, value: str, ui_language: str) -> Dict[str, str]:
        return {}


class WalkInFilter(RefineAction):
    parameter = "walk_in"
    results_response = "utter_results_walk_in"
    none_response = "utter_none_walk_in"
    ask_response = "utter_which_feature"

    def name(self) -> Text:
        return "action_filter_walk_in"

    def labels(self, value: str, ui_language: str) -> Dict[str, str]:
        return {}


class ActionFilterFeature(RefineAction):
    """Hands the follow-up to the refiner of the feature it names (free first when it names both: the
    other is applied too, as every condition a message names)."""

    parameter = ""  # none of its own: see FEATURE_REFINERS
    ask_response = "utter_which_feature"

    def name(self) -> Text:
        return "action_filter_feature"

    def labels(self, value: str, ui_language: str) -> Dict[str, str]:
        return {}

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        named = named_features(tracker.latest_message.get("text") or "")
        refiner = next((cls() for cls in (FreeFilter, WalkInFilter) if cls.parameter in named), None)
        if refiner is None:
            refiner = FreeFilter()  # asks which feature (and first whether there is a search at all)
        return await refiner.act(dispatcher, tracker, domain)
