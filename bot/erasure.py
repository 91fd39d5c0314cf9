""" "Delete my conversation": Rasa erases it, then says whether it could.

The rule for `delete_conversation` runs `action_delete_conversation`. It needs Rasa's own tracker
store, which the action server cannot reach, so it runs inside Rasa: the action server's endpoint
(bot/action_endpoint.py) hands it here instead of calling the action server. It erases everything
kept about the sender: the conversation in the tracker store, any copy in the in-memory store Rasa
falls back to when its store fails, and the numbered SMS/WhatsApp menu (bot/channels/menus.py).
Then it answers `utter_conversation_deleted`, or `utter_conversation_not_deleted` when any of that
failed. The stores never save a turn that ran this action (bot/tracker_store.py).

A client that renders structured messages (the web widget sends `metadata.cards`) also gets
{"custom": {"type": "conversation_deleted"}} with the confirmation: the one sign that the server
erased the conversation (an apology or any other reply is not).
"""

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.tracker_store import InMemoryTrackerStore, TrackerStore

from bot.channels.menus import forget_everywhere

logger = logging.getLogger(__name__)

ACTION = "action_delete_conversation"
DELETED = "utter_conversation_deleted"
NOT_DELETED = "utter_conversation_not_deleted"
DELETED_SIGNAL = {"type": "conversation_deleted"}


def stores_within(store: Any) -> List[TrackerStore]:
    """The stores that may hold a conversation: Rasa's wrappers unwrapped, their fallback included."""
    found: List[TrackerStore] = []
    while store is not None:
        fallback = getattr(store, "_fallback_tracker_store", None)  # FailSafeTrackerStore's, once used
        inner = getattr(store, "_tracker_store", None)  # FailSafe- and AwaitableTrackerStore's
        if inner is None:
            found.append(store)
        if fallback is not None:
            found.append(fallback)
        store = inner
    return found


async def erase_from(store: TrackerStore, sender_id: str) -> None:
    erase = getattr(store, "erase", None)
    if erase is not None:
        await asyncio.to_thread(erase, sender_id)  # the SQL store's statements block
    elif isinstance(store, InMemoryTrackerStore):
        store.store.pop(sender_id, None)
    else:
        raise TypeError(f"{type(store).__name__} cannot erase a conversation")


async def erase_everything(tracker_store: Any, sender_id: str) -> bool:
    """True when nothing of the sender's is left anywhere; failures are logged by kind only."""
    try:
        for store in stores_within(tracker_store):
            await erase_from(store, sender_id)
        await forget_everywhere(sender_id)
    except Exception as error:  # noqa: BLE001 - the user is told it did not work
        logger.error("A conversation could not be erased (%s).", type(error).__name__)
        return False
    logger.info("A conversation was erased at its user's request.")
    return True


def wants_structured_messages(action_call: Dict[str, Any]) -> bool:
    metadata = ((action_call.get("tracker") or {}).get("latest_message") or {}).get("metadata")
    return isinstance(metadata, dict) and metadata.get("cards") is True


def local_actions(tracker_store: Callable[[], Any]) -> Dict[str, Callable[[Dict[str, Any]], Awaitable[Dict[str, Any]]]]:
    """The actions Rasa runs itself, by name: each takes the action-server call and returns its answer."""

    async def delete_conversation(action_call: Dict[str, Any]) -> Dict[str, Any]:
        if not await erase_everything(tracker_store(), str(action_call.get("sender_id"))):
            return {"events": [], "responses": [{"response": NOT_DELETED}]}
        confirmation: Dict[str, Any] = {"response": DELETED}
        if wants_structured_messages(action_call):
            confirmation["custom"] = DELETED_SIGNAL
        return {"events": [], "responses": [confirmation]}

    return {ACTION: delete_conversation}
