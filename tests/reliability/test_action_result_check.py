"""Rasa checks every action server answer against its schema; bot/action_endpoint.py makes that check
cheaper (the schema is checked once) and must leave its verdicts and messages exactly as Rasa's."""

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction

from bot import action_endpoint

ANSWERS = [
    {"events": [], "responses": [{"response": "utter_results_health", "text": "x"}]},
    {"events": [{"event": "slot", "name": "need", "value": "health-doctor"}], "responses": []},
    {"events": 5, "responses": []},
    {"events": [{"name": "need"}], "responses": []},  # an event without its type
    {"responses": [{"response": 7}]},
    {},
]


def verdict(check, answer):
    try:
        return check(RemoteAction("action_find_services", None), answer)
    except ValidationError as error:
        return error.message


@pytest.mark.parametrize("answer", ANSWERS)
def test_the_faster_check_gives_rasas_verdict(answer, monkeypatch):
    rasas = RemoteAction._validate_action_result
    monkeypatch.setattr(RemoteAction, "_validate_action_result", rasas)  # restored after the test
    action_endpoint.install(object())  # an agent without an action endpoint: only the check is replaced
    assert RemoteAction._validate_action_result is action_endpoint._validate_action_result
    assert verdict(action_endpoint._validate_action_result, answer) == verdict(rasas, answer)


def test_a_wrong_answer_is_still_refused():
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action_endpoint._validate_action_result(None, {"events": 5})
