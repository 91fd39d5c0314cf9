""" "Any that speak Tigrinya?": the last search again, only where the named language is spoken."""

from typing import Dict, Text

from babel import Locale, UnknownLocaleError

from .locales import fragments
from .refine import RefineAction


def language_name(code: str, ui_language: str) -> str:
    """The language's name in the user's language: our translators' word, else CLDR's, else the code."""
    known = fragments(ui_language).get("languages", {})
    if code in known:
        return known[code]
    try:
        return Locale.parse(ui_language).languages.get(code) or code
    except (UnknownLocaleError, ValueError):
        return code


class ActionFilterLanguage(RefineAction):
    parameter = "language"
    results_response = "utter_results_in_language"
    none_response = "utter_none_in_language"
    ask_response = "utter_which_language"

    def name(self) -> Text:
        return "action_filter_language"

    def labels(self, value: str, ui_language: str) -> Dict[str, str]:
        return {"spoken_language": language_name(value, ui_language)}
