"""Finding services in the directory for the newcomer's need, nearest first when a location is shared."""

import asyncio
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from contracts import needs

from .base import NewcomerAction
from .directory_client import DirectoryClient, DirectoryUnavailable
from .geo import Point, valid_point
from .service_card import card_values, structured
from .unmet_needs import FALLBACK, NO_SERVICE, report as report_unmet_need

logger = logging.getLogger(__name__)

SERVICES_PER_REPLY = 3
# The directory's top-level taxonomy codes, each asked for by its own intent (contracts/needs.py).
CATEGORIES = frozenset(needs.CATEGORIES)
# Internal intent: a channel turned a location share into /share_location{"latitude": .., "longitude": ..}.
SHARE_LOCATION = "share_location"
# Slots (domain.yml): the last search, so that a location shared after it searches near it; and a shared
# location waiting for the user to say what kind of help they need (forgotten after the next search).
CATEGORY_SLOT, NEED_SLOT = "search_category", "search_need"
# The conditions on the last search (a question or its follow-ups named them), by the directory's
# parameter: the slot keeping each. A new question replaces them.
FILTER_SLOTS = {
    "language": "search_language",
    "open": "search_open",
    "region": "search_region",
    "free": "search_free",
    "walk_in": "search_walk_in",
    "eligibility": "search_eligibility",
    "postal_code": "search_postal_code",
}
LATITUDE_SLOT, LONGITUDE_SLOT = "latitude", "longitude"

_client: Optional[DirectoryClient] = None


def directory() -> DirectoryClient:
    """Our directory's client, or one for another city's HSDS API when CROSSWALK_FILE is set."""
    global _client
    if _client is None:
        from .foreign_directory import directory_we_do_not_host

        _client = directory_we_do_not_host() or DirectoryClient.from_environment()
    return _client


def wants_structured_cards(tracker: Tracker) -> bool:
    """Clients that render cards themselves (the web widget) say so in the message metadata."""
    metadata = tracker.latest_message.get("metadata") or {}
    return isinstance(metadata, dict) and metadata.get("cards") is True


# Under a list: follow-ups a tap away ("More", "Open now", "In my language", "Near me").
REFINE_CHOICES = "utter_refine_choices"


def offer_refinements(dispatcher: CollectingDispatcher, category: str) -> None:
    if category != "emergency":  # an emergency list stays short and plain
        dispatcher.utter_message(response=REFINE_CHOICES)


def intent_of(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def category_of(tracker: Tracker) -> Optional[str]:
    return needs.category_of_intent(intent_of(tracker))


def sub_need_of(tracker: Tracker, category: str) -> Optional[str]:
    """The first `need` entity that is a child term of `category` (e.g. health-dentist)."""
    for entity in tracker.latest_message.get("entities") or []:
        value = entity.get("value")
        if entity.get("entity") == "need" and needs.is_sub_need(category, value):
            return value
    return None


def shared_point(tracker: Tracker) -> Optional[Point]:
    """The location of a share_location message, if it holds a real one."""
    values = {e.get("entity"): e.get("value") for e in tracker.latest_message.get("entities") or [] if isinstance(e, dict)}
    return valid_point(values.get(LATITUDE_SLOT), values.get(LONGITUDE_SLOT))


def waiting_point(tracker: Tracker) -> Optional[Point]:
    """A location shared earlier, kept only until the user said what they need."""
    return valid_point(tracker.get_slot(LATITUDE_SLOT), tracker.get_slot(LONGITUDE_SLOT))


def shared_just_before(tracker: Tracker) -> bool:
    """Whether the user's previous message was the location share (the answer to "what kind of help?")."""
    said = [e for e in tracker.events if e.get("event") == "user"]
    previous = ((said[-2].get("parse_data") or {}).get("intent") or {}).get("name") if len(said) >= 2 else None
    return previous == SHARE_LOCATION


def last_search(tracker: Tracker):
    category = tracker.get_slot(CATEGORY_SLOT)
    if category not in CATEGORIES:
        return None, None
    need = tracker.get_slot(NEED_SLOT)
    return category, need if needs.is_sub_need(category, need) else None


FORGET_LOCATION = [SlotSet(LATITUDE_SLOT, None), SlotSet(LONGITUDE_SLOT, None)]


class ActionFindServices(NewcomerAction):
    timeout_response = "utter_directory_unavailable"

    def name(self) -> Text:
        return "action_find_services"

    def events_on_failure(self, tracker: Tracker) -> List[Dict[Text, Any]]:
        return FORGET_LOCATION if waiting_point(tracker) is not None else []

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if intent_of(tracker) == SHARE_LOCATION:
            near = shared_point(tracker)
            if near is None:  # not a usable location: nothing to keep
                dispatcher.utter_message(response="utter_fallback")
                return FORGET_LOCATION
            category, need = last_search(tracker)
            if category is None:  # location first: ask what kind of help, then search near it
                dispatcher.utter_message(response="utter_ask_category_near_you")
                return [SlotSet(LATITUDE_SLOT, near[0]), SlotSet(LONGITUDE_SLOT, near[1])]
        else:
            category = category_of(tracker)
            if category is None:
                dispatcher.utter_message(response="utter_fallback")
                report_unmet_need(tracker, FALLBACK, language=self.language(tracker))
                return []
            need = sub_need_of(tracker, category)
            # The location waiting for this answer; one from an older exchange is stale: forgotten, not used.
            near = waiting_point(tracker) if shared_just_before(tracker) else None
        conditions = await self.conditions_named(tracker, category)
        kept = await self.search(dispatcher, tracker, category, need, near, conditions)
        # A location is used for one search only; the search itself is remembered for a location shared next.
        # A new question starts a new search: only the conditions it named (and that were met) apply.
        filters = [SlotSet(slot, kept.get(parameter)) for parameter, slot in FILTER_SLOTS.items()]
        return [SlotSet(CATEGORY_SLOT, category), SlotSet(NEED_SLOT, need)] + filters + self.events_on_failure(tracker)

    async def conditions_named(self, tracker: Tracker, category: str) -> Dict[str, str]:
        """ "A dentist who speaks Arabic in Westbrook": the conditions of the question itself; an emergency
        gets every service at once, and a location share carries no words."""
        if category == "emergency" or intent_of(tracker) == SHARE_LOCATION:
            return {}
        from .conditions import conditions_in  # imports the follow-ups, which import this module

        return await conditions_in(tracker.latest_message.get("text") or "", self.language(tracker), category)

    async def search(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        category: str,
        need: Optional[str],
        near: Optional[Point],
        conditions: Dict[str, str],
    ) -> Dict[str, str]:
        """Answers with the services; returns the conditions the list shown meets (kept for follow-ups)."""
        language = self.language(tracker)
        unmet = None
        try:
            services = await self.find(need or category, language, near, conditions)
            if not services and conditions:  # nothing meets them: say which, then the same search without them
                # One the directory cannot check (another city's API: actions/foreign_directory.py) is the one
                # that failed; else the first.
                unmet = next((c for c in conditions.items() if not directory().can_check(c[0])), next(iter(conditions.items())))
                conditions = {}
                services = await self.find(need or category, language, near, conditions)
            other_services = not services and need is not None
            if other_services:  # nothing has the sub-need: say so, then offer the category, labelled as such
                report_unmet_need(tracker, NO_SERVICE, category, need, language, near=near)
                services = await self.find(category, language, near, {})
        except DirectoryUnavailable as error:  # not an unmet need: not reported
            logger.warning("directory unavailable: %s", error)
            dispatcher.utter_message(response="utter_directory_unavailable")
            return {}
        if not services:
            dispatcher.utter_message(response="utter_no_services")
            if not other_services:
                report_unmet_need(tracker, NO_SERVICE, category, need, language, near=near)
            return {}
        # Never present a service as having the sub-need, or meeting a condition, when it does not.
        if other_services:
            dispatcher.utter_message(response=f"utter_no_sub_need_{category}")
        elif unmet is not None:
            from .refine import refiner_for

            refiner = refiner_for(unmet[0])
            dispatcher.utter_message(response=refiner.none_response, **refiner.labels(unmet[1], language))
        else:
            dispatcher.utter_message(response=needs.results_response(category))
        with_cards = wants_structured_cards(tracker)
        for service in services:
            metres = getattr(services, "distances", {}).get(service.get("id")) if near is not None else None  # measured by the directory
            extra = {"json_message": structured(service, metres)} if with_cards else {}
            dispatcher.utter_message(response="utter_service_card", **card_values(service, language, metres), **extra)
        offer_refinements(dispatcher, category)
        return {} if other_services else conditions

    @staticmethod
    async def find(term: str, language: str, near: Optional[Point], conditions: Dict[str, str]) -> List[Dict[str, Any]]:
        # Ranked (open now or soonest, the user's language, recently verified first), never in name order;
        # with a shared location, nearest first: that is what sharing it asks for.
        return await asyncio.to_thread(directory().search_services, term, SERVICES_PER_REPLY, lang=language, near=near, filters=conditions, ranked=near is None)
