"""WhatsApp Cloud API end to end: real Rasa with its real connector, the fake Meta API on loopback.

Unsigned, forged or altered requests get 403 and reach no conversation; a verified user is answered."""

import json
import uuid

import pytest
import requests

from channel_requests import post_whatsapp, text_message, whatsapp_batch, whatsapp_messages_to
from servers import response_text


def test_whatsapp_subscription_check(rasa, channel_settings):
    url = f"{rasa.url}/webhooks/whatsapp/webhook"
    good = requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": channel_settings["WHATSAPP_VERIFY_TOKEN"], "hub.challenge": "1158201444"}, timeout=10)
    assert good.status_code == 200 and good.text == "1158201444"
    bad = requests.get(url, params={"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1"}, timeout=10)
    assert bad.status_code == 403


@pytest.mark.parametrize("secret,tamper", [(None, False), ("not-the-app-secret", False), ("USE_REAL", True)])
def test_whatsapp_refuses_unsigned_forged_or_altered_requests(rasa, providers, channel_settings, secret, tamper):
    wa_id = str(uuid.uuid4().int)[:12]
    secret = channel_settings["WHATSAPP_APP_SECRET"] if secret == "USE_REAL" else secret
    assert post_whatsapp(rasa, whatsapp_batch(text_message(wa_id, "I need a doctor")), secret, tamper).status_code == 403
    assert not [r for r in providers.requests if wa_id in r["body"]]


def test_whatsapp_buttons_are_an_interactive_list_and_a_choice_works(rasa, providers, channel_settings):
    wa_id = str(uuid.uuid4().int)[:12]
    secret = channel_settings["WHATSAPP_APP_SECRET"]
    assert post_whatsapp(rasa, whatsapp_batch(text_message(wa_id, "hola")), secret).status_code == 200
    greeting = json.loads(whatsapp_messages_to(providers, wa_id)[0]["body"])
    assert greeting["type"] == "interactive" and greeting["interactive"]["type"] == "list"
    rows = greeting["interactive"]["action"]["sections"][0]["rows"]
    assert [r["title"] for r in rows] == ["Trabajo", "Estudios y escuela", "Salud", "Vivienda"]
    choice = {
        "from": wa_id,
        "id": f"wamid.{uuid.uuid4().hex}",
        "timestamp": "0",
        "type": "interactive",
        "interactive": {"type": "list_reply", "list_reply": {"id": rows[3]["id"], "title": rows[3]["title"]}},
    }
    assert post_whatsapp(rasa, whatsapp_batch(choice), secret).status_code == 200
    sent = " ".join(r["body"] for r in whatsapp_messages_to(providers, wa_id, minimum=3))
    assert json.dumps(response_text("utter_results_housing", "es"))[1:-1] in sent


def test_whatsapp_answers_every_message_of_a_batch(rasa, providers, channel_settings):
    ukrainian, persian, photo = (str(uuid.uuid4().int)[:12] for _ in range(3))
    batch = whatsapp_batch(
        text_message(ukrainian, "Добрий день, шукаю курси мови"),
        text_message(persian, "سلام، دنبال کار می‌گردم"),
        {"from": photo, "id": f"wamid.{uuid.uuid4().hex}", "timestamp": "0", "type": "image", "image": {"id": "1"}},
    )
    assert post_whatsapp(rasa, batch, channel_settings["WHATSAPP_APP_SECRET"]).status_code == 200
    uk_sent = " ".join(r["body"] for r in whatsapp_messages_to(providers, ukrainian, minimum=2))
    fa_sent = " ".join(r["body"] for r in whatsapp_messages_to(providers, persian, minimum=2))
    assert json.dumps(response_text("utter_results_education", "uk"))[1:-1] in uk_sent
    assert json.dumps(response_text("utter_results_employment", "fa"))[1:-1] in fa_sent
    assert json.dumps(response_text("utter_unsupported_message"))[1:-1] in " ".join(r["body"] for r in whatsapp_messages_to(providers, photo))
    assert all(r["headers"].get("Authorization") == f"Bearer {channel_settings['WHATSAPP_ACCESS_TOKEN']}" for r in whatsapp_messages_to(providers, persian))


def test_whatsapp_a_redelivered_message_is_answered_once(rasa, providers, channel_settings):
    wa_id = str(uuid.uuid4().int)[:12]
    batch = whatsapp_batch(text_message(wa_id, "Hola, buenos días"))
    assert post_whatsapp(rasa, batch, channel_settings["WHATSAPP_APP_SECRET"]).status_code == 200
    answered = len(whatsapp_messages_to(providers, wa_id))
    # Meta retries a batch it thinks failed, and may put a message already delivered in a new batch.
    other = str(uuid.uuid4().int)[:12]
    again = whatsapp_batch(batch["entry"][0]["changes"][0]["value"]["messages"][0], text_message(other, "Hola"))
    assert post_whatsapp(rasa, again, channel_settings["WHATSAPP_APP_SECRET"]).status_code == 200
    assert whatsapp_messages_to(providers, other)
    assert len(whatsapp_messages_to(providers, wa_id, minimum=answered + 1, timeout=2)) == answered


def test_whatsapp_a_signed_batch_of_an_odd_shape_is_answered_where_it_can_be(rasa, providers, channel_settings):
    wa_id = str(uuid.uuid4().int)[:12]
    batch = whatsapp_batch("a string", None, 42, {"from": None, "type": "text"}, {"from": wa_id, "type": "text", "text": "not an object"}, text_message(wa_id, "Hola, buenos días"))
    batch["entry"] = [None, "entry", {"changes": [None, {"value": None}, {"value": {"messages": "x"}}]}, *batch["entry"]]
    assert post_whatsapp(rasa, batch, channel_settings["WHATSAPP_APP_SECRET"]).status_code == 200
    sent = " ".join(r["body"] for r in whatsapp_messages_to(providers, wa_id, minimum=2))
    assert json.dumps(response_text("utter_unsupported_message"))[1:-1] in sent  # the text that is not text
    assert json.dumps(response_text("utter_greet", "es"))[1:-1] in sent
    for odd in ({"entry": None}, {"entry": "x"}, {"entry": [{"changes": "x"}]}):
        assert post_whatsapp(rasa, odd, channel_settings["WHATSAPP_APP_SECRET"]).status_code == 200, odd
