"""action_find_services with CollectingDispatcher and trackers built from events, against the real directory."""
import asyncio
import time

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services as services_module
from actions.directory_client import DirectoryClient
from actions.services import ActionFindServices
from faulty_directory import FaultyDirectory
from servers import free_port


def tracker_for(intent: str, text: str, language: str = "en", entities=None) -> Tracker:
    latest = {"intent": {"name": intent, "confidence": 0.99}, "entities": entities or [], "text": text}
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "user", "text": text, "parse_data": latest},
        {"event": "slot", "name": "language", "value": language},
    ]
    return Tracker("test-user", {"language": language}, latest, events, False, None, {}, "action_listen")


def run_action(tracker: Tracker):
    """Messages, events and the seconds until the action returned (left-over threads not counted)."""
    dispatcher = CollectingDispatcher()

    async def timed():
        started = time.monotonic()
        events = await ActionFindServices().run(dispatcher, tracker, {})
        return events, time.monotonic() - started

    events, seconds = asyncio.run(timed())
    run_action.seconds = seconds
    return dispatcher.messages, events


@pytest.fixture
def use_directory(monkeypatch):
    def point_at(url: str, **options):
        monkeypatch.setattr(services_module, "_client", DirectoryClient(url, **options))

    return point_at


def test_category_request_lists_services_with_details(directory_api, use_directory):
    use_directory(directory_api)
    messages, _ = run_action(tracker_for("find_employment", "I'm looking for a job"))
    assert messages[0]["response"] == "utter_results_employment"
    cards = messages[1:]
    assert len(cards) == 3 and all(card["response"] == "utter_service_card" for card in cards)
    for card in cards:
        assert card["name"] and "Port Meridian" in card["address"] and card["phone"].startswith("+")
        assert card["hours"] != "call to ask"


def test_sub_need_entity_picks_the_matching_services(directory_api, use_directory):
    use_directory(directory_api)
    dentists = DirectoryClient(directory_api).search_services("health-dentist", per_page=10)
    entity = {"entity": "need", "value": "health-dentist"}
    messages, _ = run_action(tracker_for("find_health", "I have a toothache", entities=[entity]))
    assert {m["name"] for m in messages[1:]} <= {s["name"] for s in dentists}


def test_need_from_another_category_is_ignored(directory_api, use_directory):
    use_directory(directory_api)
    entity = {"entity": "need", "value": "housing-shelter"}
    messages, _ = run_action(tracker_for("find_health", "doctor", entities=[entity]))
    assert messages[0]["response"] == "utter_results_health"


def test_card_fragments_follow_the_conversation_language(directory_api, use_directory):
    use_directory(directory_api)
    english, _ = run_action(tracker_for("find_education", "language course"))
    spanish, _ = run_action(tracker_for("find_education", "curso de idioma", language="es"))
    assert english[1]["name"] == spanish[1]["name"]
    assert "English" in english[1]["languages"] or "Arabic" in english[1]["languages"]
    assert "inglés" in spanish[1]["languages"] or "árabe" in spanish[1]["languages"]
    assert any(day in spanish[1]["hours"] for day in ("lun", "mar", "mié", "jue", "vie", "sáb", "dom", "abierto"))


def test_emergency_lists_emergency_services(directory_api, use_directory):
    use_directory(directory_api)
    messages, _ = run_action(tracker_for("emergency", "someone is not breathing"))
    assert messages[0]["response"] == "utter_results_emergency" and len(messages) > 1


def test_directory_down_gets_a_polite_reply_fast(use_directory):
    use_directory(f"http://127.0.0.1:{free_port()}/api")
    messages, _ = run_action(tracker_for("find_housing", "necesito un piso", language="es"))
    assert [m["response"] for m in messages] == ["utter_directory_unavailable"]
    assert run_action.seconds < 4


def test_hanging_directory_gets_a_polite_reply_within_4_seconds(use_directory):
    with FaultyDirectory("hang", hang_seconds=6) as faulty:
        use_directory(faulty.url, read_timeout=5, retries=0)  # even a badly configured client is cut off by the budget
        messages, _ = run_action(tracker_for("find_health", "doctor"))
        assert [m["response"] for m in messages] == ["utter_directory_unavailable"]
        assert run_action.seconds < 4


def test_nothing_found_says_so(use_directory):
    with FaultyDirectory("empty") as faulty:
        use_directory(faulty.url)
        messages, _ = run_action(tracker_for("find_health", "doctor"))
        assert [m["response"] for m in messages] == ["utter_no_services"]
