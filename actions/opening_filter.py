""" "Which ones are open on Saturday?": the last search again, only services open then (city time zone)."""

from typing import Dict, Text

from .opening_time import opening_label
from .refine import RefineAction


class ActionFilterOpen(RefineAction):
    parameter = "open"
    results_response = "utter_results_open"
    none_response = "utter_none_open"
    ask_response = "utter_which_time"

    def name(self) -> Text:
        return "action_filter_open"

    def labels(self, value: str, ui_language: str) -> Dict[str, str]:
        return {"when": opening_label(value, ui_language)}
