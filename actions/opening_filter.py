""""Which ones are open on Saturday?": the last search again, only services open then (city time zone)."""
from typing import Dict, Optional, Text

from rasa_sdk import Tracker

from .opening_time import named_opening, opening_label
from .refine import RefineAction


class ActionFilterOpen(RefineAction):
    parameter = "open"
    results_response = "utter_results_open"
    none_response = "utter_none_open"
    ask_response = "utter_which_time"

    def name(self) -> Text:
        return "action_filter_open"

    async def value_in(self, tracker: Tracker, ui_language: str) -> Optional[str]:
        return named_opening(tracker.latest_message.get("text") or "")

    def labels(self, value: str, ui_language: str) -> Dict[str, str]:
        return {"when": opening_label(value, ui_language)}
