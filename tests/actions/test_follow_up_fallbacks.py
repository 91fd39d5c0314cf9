"""Follow-ups the NLU half understood: after a list, a message it could not place but that names a condition
("بس اللي ببلاش") is that follow-up; a condition follow-up that names no condition, with "more" as the
NLU's second guess ("¿y aparte de esos?"), is "more". Real directory, real actions."""

import asyncio

import requests

from rasa_sdk.executor import CollectingDispatcher
from test_find_services import tracker_for, use_directory  # noqa: F401 - the fixture

from actions.fallback import ActionFallback
from actions.feature_filters import ActionFilterFeature


def names(directory_api: str, term: str, **conditions) -> set:
    params = {"taxonomy_term_id": term, "status": "active", "per_page": 100, **conditions}
    return {s["name"] for s in requests.get(f"{directory_api}/services", params=params, timeout=10).json()["contents"]}


AFTER_TENANT_ADVICE = {"search_category": "housing", "search_need": "housing-tenant-advice"}


def run(action, tracker):
    dispatcher = CollectingDispatcher()
    asyncio.run(action.run(dispatcher, tracker, {}))
    return dispatcher.messages


def listed(tracker, shown: int):
    """The tracker as after a first answer that showed `shown` cards."""
    tracker.events[1:1] = [{"event": "action", "name": "action_find_services"}] + [{"event": "bot", "text": "card", "metadata": {"utter_action": "utter_service_card"}}] * shown
    return tracker


def test_a_message_not_understood_that_names_a_condition_after_a_list_is_that_follow_up(directory_api, use_directory):
    use_directory(directory_api)
    tracker = tracker_for("nlu_fallback", "بس اللي ببلاش لو سمحت", "ar", slots=AFTER_TENANT_ADVICE)
    messages = run(ActionFallback(), tracker)
    assert messages[0]["response"] == "utter_results_free"
    cards = [m["name"] for m in messages if m.get("response") == "utter_service_card"]
    assert cards and set(cards) <= names(directory_api, "housing-tenant-advice", free="true")


def test_a_message_not_understood_without_a_condition_or_a_list_still_says_so(directory_api, use_directory):
    use_directory(directory_api)
    assert [m["response"] for m in run(ActionFallback(), tracker_for("nlu_fallback", "بس اللي ببلاش لو سمحت", "ar"))] == ["utter_fallback"]
    no_condition = tracker_for("nlu_fallback", "blorp zzz", "en", slots=AFTER_TENANT_ADVICE)
    assert [m["response"] for m in run(ActionFallback(), no_condition)] == ["utter_fallback"]


def test_a_feature_follow_up_naming_no_feature_with_more_as_second_guess_shows_more(directory_api, use_directory):
    use_directory(directory_api)
    tracker = listed(tracker_for("filter_feature", "¿y aparte de esos?", "es", slots=AFTER_TENANT_ADVICE), shown=3)
    tracker.latest_message["intent_ranking"] = [{"name": "filter_feature", "confidence": 0.47}, {"name": "ask_more", "confidence": 0.36}]
    assert run(ActionFilterFeature(), tracker)[0]["response"] == "utter_more_results"
    # Without "more" as the second guess, it asks which feature.
    tracker.latest_message["intent_ranking"] = [{"name": "filter_feature", "confidence": 0.47}, {"name": "greet", "confidence": 0.36}]
    assert [m["response"] for m in run(ActionFilterFeature(), tracker)] == ["utter_which_feature"]
