""" "Anything in Eastgate?", "anything in PM-1004?": the last search again, only services with an address
in that neighbourhood or with that postal code (the directory's own names and codes: actions/regions.py)."""

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


class PostalCodeFilter(RefineAction):
    parameter = "postal_code"
    results_response = "utter_results_postal_code"
    none_response = "utter_none_postal_code"
    ask_response = "utter_which_region"

    def name(self) -> Text:
        return "action_filter_postal_code"

    def labels(self, value: str, ui_language: str) -> Dict[str, str]:
        return {"postal_code": value}
