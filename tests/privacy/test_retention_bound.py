"""The retention job deletes idle conversations by time, not by sender alone (bot/tracker_store.py).

In a real SQL tracker store (SQLite here, PostgreSQL in the production profile's own test): a
conversation that the job found idle but that its user resumed before the delete ran keeps the new
events."""

import json
import time

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered

from bot.tracker_store import PrivateSQLTrackerStore

DAY = 86400


def add_event(store: PrivateSQLTrackerStore, sender: str, text: str, timestamp: float) -> None:
    with store.session_scope() as session:
        event = UserUttered(text, timestamp=timestamp)
        session.add(store.SQLEvent(sender_id=sender, type_name=event.type_name, timestamp=timestamp, intent_name=None, action_name=None, data=json.dumps(event.as_dict())))
        session.commit()


def texts_of(store: PrivateSQLTrackerStore, sender: str) -> list:
    with store.session_scope() as session:
        return [row.data for row in session.query(store.SQLEvent).filter(store.SQLEvent.sender_id == sender)]


def test_a_conversation_resumed_while_the_job_runs_keeps_its_new_events(tmp_path):
    store = PrivateSQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db"))
    now = time.time()
    cutoff = now - 30 * DAY
    add_event(store, "resumed", "an old question", now - 40 * DAY)
    add_event(store, "idle", "another old question", now - 40 * DAY)
    with store.session_scope() as session:
        found = store.idle_senders(session, cutoff)
        assert sorted(found) == ["idle", "resumed"]
        add_event(store, "resumed", "I'm back", now)  # the user writes again between the two steps
        store.delete_events_before(session, found, cutoff)
        session.commit()
    assert texts_of(store, "idle") == []
    remaining = texts_of(store, "resumed")
    assert len(remaining) == 1 and "I'm back" in remaining[0]
