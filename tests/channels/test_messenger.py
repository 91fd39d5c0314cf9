"""Facebook Messenger end to end: real Rasa with its real connector, the fake Meta API on loopback.

Forged requests get 403 and reach no conversation; a verified user is answered."""

import json
import uuid

import requests

from channel_requests import messenger_event, messenger_messages_to, post_messenger
from servers import response_text


def test_messenger_subscription_check_and_forgery(rasa, providers, channel_settings):
    url = f"{rasa.url}/webhooks/facebook/webhook"
    good = requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": channel_settings["MESSENGER_VERIFY_TOKEN"], "hub.challenge": "42"}, timeout=10)
    assert good.status_code == 200 and good.text == "42"
    assert requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "x", "hub.challenge": "1"}, timeout=10).status_code == 403
    psid = str(uuid.uuid4().int)[:15]
    payload = {"object": "page", "entry": [{"id": "PAGE", "messaging": [messenger_event(psid, "I need a doctor")]}]}
    assert post_messenger(rasa, payload).status_code == 403
    assert post_messenger(rasa, payload, "wrong-secret").status_code == 403
    assert not [r for r in providers.requests if psid in r["body"]]


def test_messenger_answers_every_event_and_ignores_echoes(rasa, providers, channel_settings):
    french, echo, sticker = (str(uuid.uuid4().int)[:15] for _ in range(3))
    payload = {
        "object": "page",
        "entry": [
            {
                "id": "PAGE",
                "messaging": [
                    messenger_event(french, "Bonjour, je cherche un logement pour ma famille"),
                    messenger_event(echo, "an echo of the page's own message", echo=True),
                    messenger_event(sticker, attachment=True),
                ],
            }
        ],
    }
    assert post_messenger(rasa, payload, channel_settings["MESSENGER_APP_SECRET"]).status_code == 200
    sent = " ".join(r["body"] for r in messenger_messages_to(providers, french, minimum=2))
    assert json.dumps(response_text("utter_results_housing", "fr"))[1:-1] in sent
    assert json.dumps(response_text("utter_unsupported_message"))[1:-1] in " ".join(r["body"] for r in messenger_messages_to(providers, sticker))
    assert not [r for r in providers.requests if echo in r["body"]]


def test_messenger_buttons_are_quick_replies_and_a_tap_works(rasa, providers, channel_settings):
    psid = str(uuid.uuid4().int)[:15]
    secret = channel_settings["MESSENGER_APP_SECRET"]
    hello = {"object": "page", "entry": [{"id": "PAGE", "messaging": [messenger_event(psid, "Hello there")]}]}
    assert post_messenger(rasa, hello, secret).status_code == 200
    greeting = json.loads(messenger_messages_to(providers, psid)[0]["body"])
    assert [q["payload"] for q in greeting["message"]["quick_replies"]] == ["/find_employment", "/find_education", "/find_health", "/find_housing"]
    tap = messenger_event(psid, "Work")
    tap["message"]["quick_reply"] = {"payload": "/find_employment"}
    assert post_messenger(rasa, {"object": "page", "entry": [{"id": "PAGE", "messaging": [tap]}]}, secret).status_code == 200
    sent = " ".join(r["body"] for r in messenger_messages_to(providers, psid, minimum=3))
    assert json.dumps(response_text("utter_results_employment"))[1:-1] in sent


def test_messenger_a_redelivered_event_is_answered_once(rasa, providers, channel_settings):
    psid = str(uuid.uuid4().int)[:15]
    payload = {"object": "page", "entry": [{"id": "PAGE", "messaging": [messenger_event(psid, "Hello there")]}]}
    assert post_messenger(rasa, payload, channel_settings["MESSENGER_APP_SECRET"]).status_code == 200
    answered = len(messenger_messages_to(providers, psid))
    assert post_messenger(rasa, payload, channel_settings["MESSENGER_APP_SECRET"]).status_code == 200
    assert len(messenger_messages_to(providers, psid, minimum=answered + 1, timeout=2)) == answered


def test_messenger_a_signed_batch_of_an_odd_shape_is_answered_where_it_can_be(rasa, providers, channel_settings):
    psid = str(uuid.uuid4().int)[:15]
    odd_events = [
        None,
        "event",
        7,
        {"sender": None},
        {"sender": "x"},
        {"sender": {"id": psid}, "message": "text"},
        {"sender": {"id": psid}, "message": {"attachments": "x", "mid": f"m.{uuid.uuid4().hex}"}},
    ]
    payload = {"object": "page", "entry": [None, {"messaging": None}, {"id": "PAGE", "messaging": [*odd_events, messenger_event(psid, "Hello there")]}]}
    assert post_messenger(rasa, payload, channel_settings["MESSENGER_APP_SECRET"]).status_code == 200
    sent = " ".join(r["body"] for r in messenger_messages_to(providers, psid, minimum=2))
    assert json.dumps(response_text("utter_unsupported_message"))[1:-1] in sent  # the message without text
    assert json.dumps(response_text("utter_greet"))[1:-1] in sent
