""" "Only the free ones", "can I go without an appointment?", "any for women?": the last search again, only
services with that feature (`free=true`, `walk_in=true` at the directory) or for those people
(`eligibility=women`). One follow-up intent (`filter_feature`) for all of them: the message says which."""

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from .refine import RefineAction
from .locales import fragments
from .service_features import named_eligibility, named_features


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


class EligibilityFilter(RefineAction):
    parameter = "eligibility"
    results_response = "utter_results_eligibility"
    none_response = "utter_none_eligibility"
    ask_response = "utter_which_feature"

    def name(self) -> Text:
        return "action_filter_eligibility"

    def combined(self, previous: str, named: str) -> str:
        """ "Without insurance" then "for women": both groups must hold (the directory's `eligibility` list)."""
        return ",".join(sorted(set(previous.split(",")) | set(named.split(","))))

    def labels(self, value: str, ui_language: str) -> Dict[str, str]:
        words = fragments(ui_language)
        return {"eligible": words["list_separator"].join(words["eligibility"][group] for group in value.split(","))}


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
        text = tracker.latest_message.get("text") or ""
        named = {**named_features(text), "eligibility": named_eligibility(text)}
        refiner = next((cls() for cls in (FreeFilter, WalkInFilter, EligibilityFilter) if named.get(cls.parameter)), None)
        if refiner is None:
            refiner = FreeFilter()  # asks which feature (and first whether there is a search at all)
        return await refiner.act(dispatcher, tracker, domain)
