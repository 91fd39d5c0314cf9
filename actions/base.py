"""Shared behaviour of every custom action: language, time budget, graceful failure."""

import asyncio
import logging
import os
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from .locales import DEFAULT_LANGUAGE

logger = logging.getLogger(__name__)

# Whole-action budget: the user must get a reply within 4 s whatever the backend does. Rasa
# gives up on the action server after ACTION_TIMEOUT_SECONDS (2.5, bot/action_endpoint.py):
# the budget must stay below that, so that the action's own, more precise apology wins.
ACTION_BUDGET_SECONDS = float(os.environ.get("ACTION_BUDGET_SECONDS", "2.0"))


class NewcomerAction(Action, ABC):
    """Runs `act` within a time budget; any failure becomes a localized apology, never silence.

    Replies are named responses only; Rasa picks the variation for the `language` slot.
    """

    @staticmethod
    def language(tracker: Tracker) -> str:
        return tracker.get_slot("language") or DEFAULT_LANGUAGE

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        try:
            return await asyncio.wait_for(self.act(dispatcher, tracker, domain), timeout=ACTION_BUDGET_SECONDS)
        except asyncio.TimeoutError:
            logger.warning("%s ran out of its %.1f s budget", self.name(), ACTION_BUDGET_SECONDS)
            dispatcher.utter_message(response=self.timeout_response)
        except Exception:  # noqa: BLE001 - a user must never get silence
            logger.exception("%s failed", self.name())
            dispatcher.utter_message(response="utter_something_went_wrong")
        return self.events_on_failure(tracker)

    def events_on_failure(self, tracker: Tracker) -> List[Dict[Text, Any]]:
        """Events to apply even when `act` failed or ran out of time (e.g. forgetting what must not be kept)."""
        return []

    #: What the user gets when the budget runs out (usually a slow backend).
    timeout_response = "utter_something_went_wrong"

    @abstractmethod
    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        """The action's own work."""
