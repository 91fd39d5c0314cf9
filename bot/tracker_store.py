"""Tracker stores that erase a conversation when its user asks, and forget old ones.

`delete_conversation` (any language, or the widget's control) runs `action_delete_conversation`,
which erases the conversation through `erase` (bot/erasure.py); these stores then never save that
turn, so nothing of the conversation is written back. The SQL store also erases conversations idle
for longer than the retention period (bot/retention.py). endpoints.yml / endpoints.production.yml
name these classes.
"""

import logging
import re
import time
from typing import Iterable, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

ERASE_ACTION = "action_delete_conversation"  # bot/erasure.py


class RedactStatements(logging.Filter):
    """SQLAlchemy errors quote the statement and its parameters: sender ids and message text."""

    DETAILS = re.compile(r"\[(SQL|parameters):.*", re.DOTALL)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "[SQL:" in message or "[parameters:" in message:
            record.msg, record.args = self.DETAILS.sub("[statement and parameters not logged]", message), ()
        return True


logging.getLogger("rasa.core.tracker_store").addFilter(RedactStatements())


def erasure_requested(tracker: DialogueStateTracker) -> bool:
    """True when this turn asked for the conversation to be erased."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActionExecuted) and event.action_name == ERASE_ACTION:
            return True
    return False


class ErasableInMemoryTrackerStore(InMemoryTrackerStore):
    """The local profile's store (one process, nothing on disk)."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        if not erasure_requested(tracker):
            await super().save(tracker)

    def erase(self, sender_id: str) -> None:
        self.store.pop(sender_id, None)


class PrivateSQLTrackerStore(SQLTrackerStore):
    """The production store (PostgreSQL), shared by every Rasa replica."""

    async def save(self, tracker: DialogueStateTracker) -> None:
        if not erasure_requested(tracker):
            await super().save(tracker)

    def erase(self, sender_id: str) -> None:
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == sender_id).delete(synchronize_session=False)
            session.commit()

    def erase_idle_since(self, cutoff: float) -> int:
        """Deletes conversations whose last event is older than `cutoff` (epoch seconds); returns how many."""
        with self.session_scope() as session:
            senders = self.idle_senders(session, cutoff)
            self.delete_events_before(session, senders, cutoff)
            session.commit()
        return len(senders)

    def idle_senders(self, session, cutoff: float) -> list:
        idle = session.query(self.SQLEvent.sender_id).group_by(self.SQLEvent.sender_id).having(sa.func.max(self.SQLEvent.timestamp) < cutoff)
        return [row[0] for row in idle]

    def delete_events_before(self, session, senders: list, cutoff: float) -> None:
        """Only events older than the cutoff: a conversation resumed while the job runs keeps its new events."""
        for start in range(0, len(senders), 500):
            batch = senders[start : start + 500]
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id.in_(batch), self.SQLEvent.timestamp < cutoff).delete(synchronize_session=False)

    def conversation_count(self) -> int:
        with self.session_scope() as session:
            return session.query(sa.func.count(sa.distinct(self.SQLEvent.sender_id))).scalar() or 0


def seconds_ago(days: float, now: Optional[float] = None) -> float:
    return (now if now is not None else time.time()) - days * 86400


def senders(store: PrivateSQLTrackerStore) -> Iterable[str]:
    with store.session_scope() as session:
        return [row[0] for row in session.query(sa.distinct(store.SQLEvent.sender_id))]
