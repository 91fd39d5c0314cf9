""""Anything in Eastgate?": the last search again, only services with an address in that neighbourhood
(the directory's own names: actions/regions.py)."""
from typing import Dict, Text

from .refine import RefineAction


class ActionFilterRegion(RefineAction):
    parameter = "region"
    results_response = "utter_results_in_region"
    none_response = "utter_none_in_region"
    ask_response = "utter_which_region"

    def name(self) -> Text:
        return "action_filter_region"

    def labels(self, value: str, ui_language: str) -> Dict[str, str]:
        return {"region": value}
