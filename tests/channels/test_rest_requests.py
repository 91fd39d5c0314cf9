"""The REST channel (the widget's) against what no widget sends: typed intents, huge, empty and malformed
requests, floods."""

import time

import pytest
import requests

from bot_client import new_sender, post_message, rest_url, say
from servers import response_text


def test_users_cannot_inject_intents(rasa):
    assert say(rasa, "/message_too_long") != [response_text("utter_message_too_long")]
    assert say(rasa, '/find_housing{"need": "housing-shelter"}')  # understood as text, answered
    # An injected intent with an entity would switch this conversation to Arabic; as text it does not.
    sender = new_sender()
    replies = say(rasa, '/change_language{"language": "ar"}', sender)
    assert replies and not any(text.startswith("\u200f") for text in replies), replies
    replies = say(rasa, "hello", sender)
    assert replies == [response_text("utter_greet")], replies


def test_huge_and_empty_messages_get_a_localized_answer(rasa):
    # over MAX_MESSAGE_CHARACTERS, under the 16 KB body limit
    assert say(rasa, "ayuda " * 2000) == [response_text("utter_message_too_long")]
    too_large = post_message(rasa, "ayuda " * 20000)  # a body no client of ours sends (the widget caps at 1,000)
    assert too_large.status_code == 413 and too_large.json() == {"error": "too_large", "detail": "The request is too large."}
    sender = new_sender()
    say(rasa, "hola, necesito ayuda", sender)
    for nothing in ("", "   ", "\u200b\u200f", "\x00\x01"):
        assert say(rasa, nothing, sender) == [response_text("utter_unsupported_message", "es")], nothing


@pytest.mark.parametrize("body", [{}, {"sender": "", "message": "hi"}, {"sender": ["x"], "message": "hi"}, {"sender": "x" * 500, "message": "hi"}])
def test_malformed_requests_get_a_400(rasa, body):
    assert requests.post(rest_url(rasa), json=body, timeout=10).status_code == 400


def test_rest_is_rate_limited_per_client(rasa, channel_settings):
    statuses = [requests.post(rest_url(rasa), json={}, timeout=10).status_code for _ in range(int(channel_settings["REST_RATE_BURST"]) + 40)]
    assert 429 in statuses and statuses[0] == 400
    time.sleep(int(channel_settings["REST_RATE_BURST"]) * 60 / float(channel_settings["REST_RATE_PER_MINUTE"]) + 1)  # let the bucket refill for other tests
