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


def tracker_for(intent: str, text: str, language: str = "en", entities=None, slots=None, metadata=None, before=()) -> Tracker:
    """A tracker whose latest message is `intent`; `before`: the intents of the user's earlier messages."""
    latest = {"intent": {"name": intent, "confidence": 0.99}, "entities": entities or [], "text": text, "metadata": metadata or {}}
    earlier = [{"event": "user", "text": "...", "parse_data": {"intent": {"name": name}, "entities": []}} for name in before]
    events = [
        {"event": "action", "name": "action_session_start"},
        *earlier,
        {"event": "user", "text": text, "parse_data": latest},
        {"event": "slot", "name": "language", "value": language},
    ]
    return Tracker("test-user", {"language": language, **(slots or {})}, latest, events, False, None, {}, "action_listen")


def location_tracker(latitude, longitude, slots=None, language="en", metadata=None) -> Tracker:
    """What Rasa makes of a channel's /share_location{"latitude": .., "longitude": ..} payload."""
    entities = [{"entity": "latitude", "value": latitude}, {"entity": "longitude", "value": longitude}]
    return tracker_for("share_location", f'/share_location{{"latitude": {latitude}, "longitude": {longitude}}}', language, entities, slots, metadata)


def slot_events(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


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


def cards_of(messages: list) -> list:
    return [m for m in messages if m.get("response") == "utter_service_card"]


def test_category_request_lists_services_with_details(directory_api, use_directory):
    use_directory(directory_api)
    messages, _ = run_action(tracker_for("find_employment", "I'm looking for a job"))
    assert messages[0]["response"] == "utter_results_employment"
    cards = messages[1:-1]
    assert len(cards) == 3 and all(card["response"] == "utter_service_card" for card in cards)
    assert messages[-1]["response"] == "utter_refine_choices"  # the follow-up buttons under the list
    for card in cards:
        assert card["name"] and "Port Meridian" in card["address"] and card["phone"].startswith("+")
        assert card["hours"] != "call to ask"


def test_sub_need_entity_picks_the_matching_services(directory_api, use_directory):
    use_directory(directory_api)
    dentists = DirectoryClient(directory_api).search_services("health-dentist", per_page=10)
    entity = {"entity": "need", "value": "health-dentist"}
    messages, _ = run_action(tracker_for("find_health", "I have a toothache", entities=[entity]))
    assert {m["name"] for m in cards_of(messages)} <= {s["name"] for s in dentists}


def test_need_from_another_category_is_ignored(directory_api, use_directory):
    use_directory(directory_api)
    entity = {"entity": "need", "value": "housing-shelter"}
    messages, _ = run_action(tracker_for("find_health", "doctor", entities=[entity]))
    assert messages[0]["response"] == "utter_results_health"


def test_no_service_with_the_sub_need_says_so_then_offers_the_category_labelled(directory_api, use_directory):
    """The real directory, except that no service is a dentist: the reply says so, then other health services."""
    health = {s["name"] for s in DirectoryClient(directory_api).search_services("health", per_page=100)}
    with FaultyDirectory("ok", upstream=directory_api) as faulty:
        faulty.empty_terms = {"health-dentist"}
        use_directory(faulty.url)
        entity = {"entity": "need", "value": "health-dentist"}
        messages, events = run_action(tracker_for("find_health", "I need a dentist", language="fr", entities=[entity]))
    assert messages[0]["response"] == "utter_no_sub_need_health"
    cards = cards_of(messages)
    assert cards and messages[1:-1] == cards
    assert {m["name"] for m in cards} <= health
    assert slot_events(events)["search_need"] == "health-dentist"


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


# ---------------------------------------------------------------- location shares, last verified, content language

SOUTHFIELD = (47.0162, 8.0903)  # the demo city's Women First centre (health and housing services)


def kilometres(line: str) -> float:
    """'1.2 km away' / '300 m away' → kilometres."""
    import re

    number, unit = re.search(r"([\d.,]+)\s*(km|m)\b", line).groups()
    value = float(number.replace(",", "."))
    return value if unit == "km" else value / 1000


def test_location_after_a_category_question_lists_that_category_nearest_first(directory_api, use_directory):
    use_directory(directory_api)
    by_name, _ = run_action(tracker_for("find_health", "I need a doctor"))
    messages, events = run_action(location_tracker(*SOUTHFIELD, slots={"search_category": "health"}))
    assert messages[0]["response"] == "utter_results_health"
    cards = cards_of(messages)
    assert len(cards) == 3
    distances = [kilometres(card["distance"]) for card in cards]
    assert distances == sorted(distances) and distances[0] <= 0.1
    assert all(card["distance"].startswith("\n") and card["distance"].endswith(" away") for card in cards)
    assert [c["name"] for c in cards] != [c["name"] for c in cards_of(by_name)]
    # Without a location the cards say nothing about distance.
    assert all(card["distance"] == "" for card in cards_of(by_name))
    # The location is used for this search and not kept.
    assert slot_events(events).get("latitude") is None and slot_events(events).get("longitude") is None


def test_location_first_asks_for_the_kind_of_help_then_searches_near_it(directory_api, use_directory):
    use_directory(directory_api)
    messages, events = run_action(location_tracker(*SOUTHFIELD, language="fr"))
    assert [m["response"] for m in messages] == ["utter_ask_category_near_you"]
    kept = slot_events(events)
    assert (kept["latitude"], kept["longitude"]) == SOUTHFIELD

    messages, events = run_action(tracker_for("find_housing", "/find_housing", language="fr", slots=kept, before=["share_location"]))
    assert messages[0]["response"] == "utter_results_housing"
    first = messages[1]
    assert first["name"] == "Women First Women's Shelter" or kilometres(first["distance"]) <= 0.1, first
    assert first["distance"] == "\nà 100 m"  # French fragment, distances under 1 km rounded up to 100 m
    forgotten = slot_events(events)
    assert forgotten["latitude"] is None and forgotten["longitude"] is None
    assert forgotten["search_category"] == "housing"


def test_location_cards_for_the_widget_carry_the_distance(directory_api, use_directory):
    use_directory(directory_api)
    messages, _ = run_action(location_tracker(*SOUTHFIELD, slots={"search_category": "emergency"}, metadata={"cards": True}))
    structured = [m["custom"] for m in cards_of(messages)]
    assert all(isinstance(card["distance_m"], int) for card in structured)
    assert [c["distance_m"] for c in structured] == sorted(c["distance_m"] for c in structured)


def test_a_location_left_waiting_is_not_used_later(use_directory):
    from urllib.parse import parse_qs, urlparse

    with FaultyDirectory("one_service") as faulty:
        use_directory(faulty.url)
        kept = {"latitude": SOUTHFIELD[0], "longitude": SOUTHFIELD[1]}
        messages, events = run_action(tracker_for("find_health", "doctor", slots=kept, before=["share_location", "greet"]))
        assert messages[0]["response"] == "utter_results_health" and messages[1]["distance"] == ""
        assert "lat" not in parse_qs(urlparse(faulty.paths[-1]).query)
        assert slot_events(events)["latitude"] is None and slot_events(events)["longitude"] is None


@pytest.mark.parametrize("latitude,longitude", [("abc", 8.0), (91, 8.0), (47.0, float("inf")), (None, None), (True, 8.0), ({"x": 1}, [2])])
def test_a_garbage_location_is_not_understood_and_not_kept(use_directory, latitude, longitude):
    with FaultyDirectory("empty") as faulty:
        use_directory(faulty.url)
        messages, events = run_action(location_tracker(latitude, longitude, slots={"search_category": "health"}))
        assert [m["response"] for m in messages] == ["utter_fallback"]
        assert faulty.requests == 0
        assert slot_events(events) == {"latitude": None, "longitude": None}


def test_cards_say_when_city_staff_last_checked_the_service(directory_api, use_directory):
    use_directory(directory_api)
    english, _ = run_action(tracker_for("find_health", "doctor"))
    french, _ = run_action(tracker_for("find_health", "médecin", language="fr"))
    ukrainian, _ = run_action(tracker_for("find_health", "лікар", language="uk"))
    arabic, _ = run_action(tracker_for("find_health", "طبيب", language="ar"))
    # The demo city's services were all checked on 1 November 2026 (assured_date 2026-11-01).
    assert english[1]["verified"] == "\nChecked by city staff on 1 November 2026"
    assert french[1]["verified"] == "\nVérifié par les services de la ville le 1 novembre 2026"
    assert "листопада 2026" in ukrainian[1]["verified"]
    assert arabic[1]["verified"].startswith("\n\u200f") and "نوفمبر" in arabic[1]["verified"]


def test_no_assured_date_means_no_verified_line(use_directory):
    with FaultyDirectory("one_service") as faulty:
        use_directory(faulty.url)
        messages, _ = run_action(tracker_for("find_health", "doctor", metadata={"cards": True}))
        card = messages[1]
        assert card["name"] == "Unverified Test Service" and card["verified"] == ""
        assert card["custom"]["assured_date"] is None


@pytest.mark.parametrize("language", ["en", "ar", "fa"])
def test_the_users_language_is_asked_of_the_directory(use_directory, language):
    from urllib.parse import parse_qs, urlparse

    with FaultyDirectory("one_service") as faulty:
        use_directory(faulty.url)
        run_action(tracker_for("find_health", "doctor", language=language))
        run_action(location_tracker(*SOUTHFIELD, language=language, slots={"search_category": "housing"}))
        # The searches (a first question may also read the neighbourhoods, at most once a minute).
        queries = [parse_qs(urlparse(path).query) for path in faulty.paths if urlparse(path).path.endswith("/services")]
        assert len(queries) == 2 and all(q["lang"] == [language] for q in queries)
        assert "lat" not in queries[0] and (queries[1]["lat"], queries[1]["lon"]) == (["47.01620"], ["8.09030"])


@pytest.mark.parametrize(
    "metres,language,expected",
    [
        (40, "en", "100 m away"),
        (420, "en", "500 m away"),
        (1234, "en", "1.2 km away"),
        (1234, "fr", "à 1,2 km"),
        (1234, "uk", "за 1,2 км"),
        (25400, "es", "a 25 km"),
        (1234, "ar", "\u200fعلى بُعد 1.2 كم"),
    ],
)
def test_distances_read_naturally_in_each_language(metres, language, expected):
    from actions.locales import fragments
    from actions.service_card import distance_text

    text = fragments(language)
    assert text["distance_away"].format(distance=distance_text(metres, text)) == expected
