"""Follow-ups that add a condition to the last search ("any that speak Tigrinya?", "open on Saturday?").

The condition (with any other the same message names: "one in Eastgate that speaks Tigrinya") joins
those added since the last new question (they carry over); when nothing fits them all, the answer says
which condition could not be met and shows the same search without it, labelled.
"""

from abc import abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .conditions import conditions_in
from .follow_ups import FILTER_SLOTS, FollowUpAction, active_filters
from .services import intent_of, last_search, offer_refinements

# The buttons under a list (domain.yml, utter_refine_choices) that add a condition: its parameter and
# value; None stands for the conversation's own language.
BUTTON_CONDITIONS = {"refine_open_now": ("open", "now"), "refine_my_language": ("language", None)}


def runner_up_intent(tracker: Tracker) -> str:
    """The NLU's second guess for the latest message ("" when there is none)."""
    ranking = tracker.latest_message.get("intent_ranking") or []
    return (ranking[1].get("name") or "") if len(ranking) > 1 else ""


def tapped_condition(tracker: Tracker, ui_language: str) -> Dict[str, str]:
    """The condition a tapped button gives (its payload has no words to read one from)."""
    tapped = BUTTON_CONDITIONS.get(intent_of(tracker))
    return {tapped[0]: tapped[1] or ui_language} if tapped else {}


class RefineAction(FollowUpAction):
    parameter: str  # the directory's parameter for this condition (a key of FILTER_SLOTS)
    results_response: str  # "These services ...:" before the cards that meet every condition
    none_response: str  # "None ...; without that condition:" before the closest alternatives
    ask_response: str  # the message named no value of this condition: ask for one

    @abstractmethod
    def labels(self, value: str, ui_language: str) -> Dict[str, str]:
        """The slots of the two responses (how the answer names the condition)."""

    def combined(self, previous: str, named: str) -> str:
        """The condition after a follow-up names a new value: it replaces the last ("open on Sunday" after
        "open on Saturday"), unless the parameter says that every value must hold (see EligibilityFilter)."""
        return named

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        category, need = last_search(tracker)
        if category is None:
            dispatcher.utter_message(response="utter_more_without_search")
            return []
        ui_language = self.language(tracker)
        named = {**await conditions_in(tracker.latest_message.get("text") or "", ui_language, category), **tapped_condition(tracker, ui_language)}
        value = named.get(self.parameter)
        if value is None:
            if named:  # "anything in PM-1004?" taken for a neighbourhood: the condition it does name
                return await refiner_for(next(iter(named))).act(dispatcher, tracker, domain)
            if runner_up_intent(tracker) == "ask_more":  # "¿y aparte de esos?": more, not a condition
                from .more import ActionMoreServices

                return await ActionMoreServices().act(dispatcher, tracker, domain)
            dispatcher.utter_message(response=self.ask_response)
            return []
        slot = FILTER_SLOTS[self.parameter]
        previous = active_filters(tracker)
        if previous.get(self.parameter):
            value = named[self.parameter] = self.combined(previous[self.parameter], value)
        conditions = {**previous, **named}
        others_named = [SlotSet(FILTER_SLOTS[p], v) for p, v in named.items() if p != self.parameter]
        services = await self.page_of_search(category, need, 1, ui_language, conditions)
        if services is None:
            dispatcher.utter_message(response="utter_directory_unavailable")
            return []
        if services:
            dispatcher.utter_message(response=self.results_response, **self.labels(value, ui_language))
            self.send_cards(dispatcher, tracker, services)
            offer_refinements(dispatcher, category)
            return [SlotSet(slot, value)] + others_named
        # Nothing fits: the closest list is the same search without this condition (the others kept).
        others = await self.page_of_search(category, need, 1, ui_language, {k: v for k, v in conditions.items() if k != self.parameter})
        if not others:
            dispatcher.utter_message(response="utter_no_services" if others is not None else "utter_directory_unavailable")
            return [SlotSet(slot, None)] + others_named
        dispatcher.utter_message(response=self.none_response, **self.labels(value, ui_language))
        self.send_cards(dispatcher, tracker, others)
        return [SlotSet(slot, None)] + others_named


def refiner_for(parameter: str) -> RefineAction:
    """The follow-up that handles a condition, for its responses (a first question may name one too)."""
    from . import feature_filters, language_filter, opening_filter, region_filter  # noqa: F401 - where the refiners are defined

    return next(cls for cls in RefineAction.__subclasses__() if cls.parameter == parameter)()
