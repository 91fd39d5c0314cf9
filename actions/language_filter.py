""""Any that speak Tigrinya?": the last search again, only where the named language is spoken."""
from typing import Dict, Optional, Text

from babel import Locale, UnknownLocaleError
from rasa_sdk import Tracker

from .locales import fragments
from .refine import RefineAction
from .spoken_language import named_language


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

    async def value_in(self, tracker: Tracker, ui_language: str) -> Optional[str]:
        return named_language(tracker.latest_message.get("text") or "", ui_language)

    def labels(self, value: str, ui_language: str) -> Dict[str, str]:
        return {"spoken_language": language_name(value, ui_language)}
