""""Any that speak Tigrinya?": the last search again, only where the named language is spoken."""
from typing import Any, Dict, List, Text

from babel import Locale, UnknownLocaleError
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .follow_ups import LANGUAGE_FILTER_SLOT, FollowUpAction
from .locales import fragments
from .services import last_search
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


class ActionFilterLanguage(FollowUpAction):
    def name(self) -> Text:
        return "action_filter_language"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        category, need = last_search(tracker)
        if category is None:
            dispatcher.utter_message(response="utter_more_without_search")
            return []
        ui_language = self.language(tracker)
        spoken = named_language(tracker.latest_message.get("text") or "", ui_language)
        if spoken is None:
            dispatcher.utter_message(response="utter_which_language")
            return []
        services = await self.page_of_search(category, need, 1, ui_language, spoken)
        if services is None:
            dispatcher.utter_message(response="utter_directory_unavailable")
            return []
        name = language_name(spoken, ui_language)
        if services:
            dispatcher.utter_message(response="utter_results_in_language", spoken_language=name)
            self.send_cards(dispatcher, tracker, services)
            return [SlotSet(LANGUAGE_FILTER_SLOT, spoken)]
        # Nothing fits: say which condition failed, then the same search without it, clearly labelled.
        others = await self.page_of_search(category, need, 1, ui_language, None)
        if not others:
            dispatcher.utter_message(response="utter_no_services" if others is not None else "utter_directory_unavailable")
            return [SlotSet(LANGUAGE_FILTER_SLOT, None)]
        dispatcher.utter_message(response="utter_none_in_language", spoken_language=name)
        self.send_cards(dispatcher, tracker, others)
        return [SlotSet(LANGUAGE_FILTER_SLOT, None)]
