"""Messaging channels end to end: real Rasa with its real connectors, fake provider APIs on loopback.

Each webhook must refuse forged callers (403, nothing reaches the conversation) and answer a
verified user in the user's language through the provider's API.
"""
import hashlib
import hmac
import json
import re
import time
import uuid

import pytest
import requests
from fake_providers import EXPIRED_QUERY
from twilio.request_validator import RequestValidator

from servers import response_text


def unique_number() -> str:
    return "+4420794" + str(uuid.uuid4().int)[:5]


# ---------------------------------------------------------------- Telegram


def telegram_update(chat_id: int, text: str = None, photo: bool = False) -> dict:
    message = {"message_id": 1, "date": int(time.time()), "chat": {"id": chat_id, "type": "private"}, "from": {"id": chat_id, "is_bot": False, "first_name": "T"}}
    if text is not None:
        message["text"] = text
    if photo:
        message["photo"] = [{"file_id": "abc", "file_unique_id": "abc", "width": 1, "height": 1}]
    return {"update_id": chat_id, "message": message}


def post_telegram(rasa, update, secret=None):
    headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
    return requests.post(f"{rasa.url}/webhooks/telegram/webhook", json=update, headers=headers, timeout=30)


def telegram_messages_to(providers, chat_id, minimum=1, timeout=10):
    return providers.sent(lambda r: r["path"].endswith("/sendMessage") and f"chat_id={chat_id}" in r["body"].replace('"chat_id": ', "chat_id="), minimum, timeout)


@pytest.mark.parametrize("secret", [None, "", "wrong-secret"])
def test_telegram_refuses_forged_updates(rasa, providers, secret):
    chat_id = uuid.uuid4().int % 10**9
    reply = post_telegram(rasa, telegram_update(chat_id, "I need a doctor"), secret)
    assert reply.status_code == 403
    assert not [r for r in providers.requests if str(chat_id) in r["body"]]


def test_telegram_answers_in_the_users_language(rasa, providers, channel_settings):
    chat_id = uuid.uuid4().int % 10**9
    reply = post_telegram(rasa, telegram_update(chat_id, "Necesito ver a un médico"), channel_settings["TELEGRAM_SECRET_TOKEN"])
    assert reply.status_code == 200
    sent = telegram_messages_to(providers, chat_id, minimum=2)
    bodies = " ".join(r["body"] for r in sent)
    assert response_text("utter_results_health", "es") in bodies
    assert "Teléfono:" in bodies


def test_telegram_photo_gets_a_text_only_answer(rasa, providers, channel_settings):
    chat_id = uuid.uuid4().int % 10**9
    reply = post_telegram(rasa, telegram_update(chat_id, photo=True), channel_settings["TELEGRAM_SECRET_TOKEN"])
    assert reply.status_code == 200
    assert response_text("utter_unsupported_message") in " ".join(r["body"] for r in telegram_messages_to(providers, chat_id))


def test_telegram_buttons_are_an_inline_keyboard_and_clicks_work(rasa, providers, channel_settings):
    chat_id = uuid.uuid4().int % 10**9
    secret = channel_settings["TELEGRAM_SECRET_TOKEN"]
    assert post_telegram(rasa, telegram_update(chat_id, "Привіт!"), secret).status_code == 200
    greeting = telegram_messages_to(providers, chat_id)[0]["body"]
    assert response_text("utter_greet", "uk") in greeting and "inline_keyboard" in greeting and "/find_health" in greeting
    click = {"update_id": chat_id + 1, "callback_query": {"id": "1", "from": {"id": chat_id, "is_bot": False, "first_name": "T"}, "chat_instance": "1",
             "data": "/find_health", "message": {"message_id": 2, "date": 0, "chat": {"id": chat_id, "type": "private"}, "text": "x"}}}
    assert post_telegram(rasa, click, secret).status_code == 200
    sent = " ".join(r["body"] for r in telegram_messages_to(providers, chat_id, minimum=3))
    assert response_text("utter_results_health", "uk") in sent
    assert providers.sent(lambda r: r["path"].endswith("/answerCallbackQuery") and "callback_query_id=1" in r["body"].replace('"callback_query_id": "1"', "callback_query_id=1"))


def telegram_click(chat_id: int, update_id: int, query_id: str, payload: str) -> dict:
    return {"update_id": update_id, "callback_query": {"id": query_id, "from": {"id": chat_id, "is_bot": False, "first_name": "T"}, "chat_instance": "1",
            "data": payload, "message": {"message_id": 2, "date": 0, "chat": {"id": chat_id, "type": "private"}, "text": "x"}}}


def test_telegram_a_redelivered_update_is_answered_once(rasa, providers, channel_settings):
    chat_id = uuid.uuid4().int % 10**9
    update = telegram_update(chat_id, "Hola, buenos días")
    assert post_telegram(rasa, update, channel_settings["TELEGRAM_SECRET_TOKEN"]).status_code == 200
    answered = len(telegram_messages_to(providers, chat_id))
    assert answered >= 1
    # Telegram sends the same update again (same update_id) when our 200 was slow or lost.
    assert post_telegram(rasa, update, channel_settings["TELEGRAM_SECRET_TOKEN"]).status_code == 200
    # (The webhook answers once the replies are sent: a second answer would be there already.)
    assert len(telegram_messages_to(providers, chat_id, minimum=answered + 1, timeout=2)) == answered


def test_telegram_a_tap_is_answered_even_when_its_acknowledgement_fails(rasa, providers, channel_settings):
    chat_id = uuid.uuid4().int % 10**9
    click = telegram_click(chat_id, chat_id, f"{EXPIRED_QUERY}{chat_id}", "/find_health")
    assert post_telegram(rasa, click, channel_settings["TELEGRAM_SECRET_TOKEN"]).status_code == 200
    assert providers.sent(lambda r: r["path"].endswith("/answerCallbackQuery") and f"{EXPIRED_QUERY}{chat_id}" in r["body"])
    assert response_text("utter_results_health") in " ".join(r["body"] for r in telegram_messages_to(providers, chat_id))


def test_telegram_set_webhook_needs_the_secret_token(rasa, providers, channel_settings):
    url = f"{rasa.url}/webhooks/telegram/set_webhook"
    secret = channel_settings["TELEGRAM_SECRET_TOKEN"]
    registrations = lambda: providers.sent(lambda r: r["path"].endswith("/setWebhook"), minimum=0)  # noqa: E731
    before = len(registrations())
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": secret}, {"X-Telegram-Bot-Api-Secret-Token": secret}):
        assert requests.post(url, headers=headers, timeout=10).status_code == 403, headers
    assert len(registrations()) == before  # nobody could point the bot elsewhere
    assert requests.post(url, headers={"Authorization": f"Bearer {secret}"}, timeout=10).status_code == 200
    registered = providers.sent(lambda r: r["path"].endswith("/setWebhook"), minimum=before + 1)[before:]
    assert len(registered) == 1
    assert channel_settings["TELEGRAM_WEBHOOK_URL"] in registered[0]["body"] and secret in registered[0]["body"]


# ---------------------------------------------------------------- Twilio (SMS and WhatsApp)


def post_twilio(rasa, channel, settings, form, sign_with=None, url_key="TWILIO_SMS_WEBHOOK_URL"):
    url = settings[url_key]
    headers = {}
    if sign_with is not None:
        headers["X-Twilio-Signature"] = RequestValidator(sign_with).compute_signature(url, form)
    return requests.post(f"{rasa.url}/webhooks/{channel}/webhook", data=form, headers=headers, timeout=30)


def twilio_messages_to(providers, number, minimum=1, timeout=10):
    return providers.sent(lambda r: "/Messages.json" in r["path"] and f"To={number}" in r["body"], minimum, timeout)


@pytest.mark.parametrize("signer", [None, "someone-elses-token"])
def test_twilio_refuses_unsigned_or_forged_requests(rasa, providers, channel_settings, signer):
    number = unique_number()
    reply = post_twilio(rasa, "twilio", channel_settings, {"From": number, "Body": "I need a job"}, sign_with=signer)
    assert reply.status_code == 403
    assert not [r for r in providers.requests if f"To={number}" in r["body"]]


def test_twilio_sms_answers_with_services(rasa, providers, channel_settings):
    number = unique_number()
    form = {"From": number, "To": channel_settings["TWILIO_SMS_NUMBER"], "Body": "I am looking for a job", "NumMedia": "0"}
    reply = post_twilio(rasa, "twilio", channel_settings, form, sign_with=channel_settings["TWILIO_AUTH_TOKEN"])
    assert reply.status_code == 204
    bodies = " ".join(r["body"] for r in twilio_messages_to(providers, number, minimum=2))
    assert response_text("utter_results_employment") in bodies and "Phone:" in bodies
    sent = twilio_messages_to(providers, number)
    assert all(f"From={channel_settings['TWILIO_SMS_NUMBER']}" in r["body"] for r in sent)
    assert all(r["headers"].get("Authorization", "").startswith("Basic ") for r in sent)


def test_twilio_media_only_message_gets_a_text_only_answer(rasa, providers, channel_settings):
    number = unique_number()
    form = {"From": number, "Body": "", "NumMedia": "1", "MediaUrl0": "https://example.invalid/photo.jpg"}
    reply = post_twilio(rasa, "twilio", channel_settings, form, sign_with=channel_settings["TWILIO_AUTH_TOKEN"])
    assert reply.status_code == 204
    assert response_text("utter_unsupported_message") in " ".join(r["body"] for r in twilio_messages_to(providers, number))


def test_sms_buttons_are_a_numbered_menu_and_a_number_picks(rasa, providers, channel_settings):
    number = unique_number()
    sign = channel_settings["TWILIO_AUTH_TOKEN"]
    assert post_twilio(rasa, "twilio", channel_settings, {"From": number, "Body": "Bonjour"}, sign_with=sign).status_code == 204
    menu = twilio_messages_to(providers, number)[0]["body"]
    assert "1. Travail" in menu and "3. Santé" in menu
    assert post_twilio(rasa, "twilio", channel_settings, {"From": number, "Body": "3"}, sign_with=sign).status_code == 204
    sent = " ".join(r["body"] for r in twilio_messages_to(providers, number, minimum=3))
    assert response_text("utter_results_health", "fr") in sent


def test_deleting_the_conversation_forgets_the_numbered_menu(rasa, providers, channel_settings):
    number = unique_number()
    sign = channel_settings["TWILIO_AUTH_TOKEN"]
    assert post_twilio(rasa, "twilio", channel_settings, {"From": number, "Body": "Bonjour"}, sign_with=sign).status_code == 204
    assert "3. Santé" in twilio_messages_to(providers, number)[0]["body"]
    assert post_twilio(rasa, "twilio", channel_settings, {"From": number, "Body": "supprime ma conversation"}, sign_with=sign).status_code == 204
    assert response_text("utter_conversation_deleted", "fr") in " ".join(r["body"] for r in twilio_messages_to(providers, number, minimum=2))
    assert post_twilio(rasa, "twilio", channel_settings, {"From": number, "Body": "3"}, sign_with=sign).status_code == 204
    after = [r["body"] for r in twilio_messages_to(providers, number, minimum=3)][2:]
    # "3" is just a number now: no health search, in whatever language the fresh conversation speaks.
    health = [response_text("utter_results_health", language) for language in ("en", "fr")]
    assert after and not any(text in body for text in health for body in after), after


def test_twilio_whatsapp_answers_in_arabic(rasa, providers, channel_settings):
    number = "whatsapp:" + unique_number()
    form = {"From": number, "Body": "مرحبا، أبحث عن سكن لعائلتي"}
    reply = post_twilio(rasa, "twilio_whatsapp", channel_settings, form, sign_with=channel_settings["TWILIO_AUTH_TOKEN"], url_key="TWILIO_WHATSAPP_WEBHOOK_URL")
    assert reply.status_code == 204
    sent = twilio_messages_to(providers, number, minimum=2)
    assert response_text("utter_results_housing", "ar") in " ".join(r["body"] for r in sent)
    assert all(f"From={channel_settings['TWILIO_WHATSAPP_NUMBER']}" in r["body"] for r in sent)


def test_twilio_a_redelivered_message_is_answered_once(rasa, providers, channel_settings):
    number = unique_number()
    form = {"MessageSid": f"SM{uuid.uuid4().hex}", "From": number, "Body": "Hello"}
    sign = channel_settings["TWILIO_AUTH_TOKEN"]
    assert post_twilio(rasa, "twilio", channel_settings, form, sign_with=sign).status_code == 204
    answered = len(twilio_messages_to(providers, number))
    assert post_twilio(rasa, "twilio", channel_settings, form, sign_with=sign).status_code == 204  # the same MessageSid again
    assert len(twilio_messages_to(providers, number, minimum=answered + 1, timeout=2)) == answered


# ---------------------------------------------------------------- WhatsApp Cloud API


def whatsapp_batch(*messages) -> dict:
    return {"object": "whatsapp_business_account", "entry": [{"id": "1", "changes": [{"field": "messages", "value": {"messaging_product": "whatsapp", "messages": list(messages)}}]}]}


def text_message(sender, text):
    return {"from": sender, "id": f"wamid.{uuid.uuid4().hex}", "timestamp": "0", "type": "text", "text": {"body": text}}


def post_whatsapp(rasa, payload, secret=None, tamper=False):
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Hub-Signature-256"] = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if tamper:
        body = body.replace(b"text", b"TEXT", 1)
    return requests.post(f"{rasa.url}/webhooks/whatsapp/webhook", data=body, headers=headers, timeout=60)


def whatsapp_messages_to(providers, wa_id, minimum=1, timeout=10):
    return providers.sent(lambda r: r["path"].endswith("/messages") and f'"to": "{wa_id}"' in r["body"], minimum, timeout)


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
    choice = {"from": wa_id, "id": f"wamid.{uuid.uuid4().hex}", "timestamp": "0", "type": "interactive",
              "interactive": {"type": "list_reply", "list_reply": {"id": rows[3]["id"], "title": rows[3]["title"]}}}
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
    batch = whatsapp_batch("a string", None, 42, {"from": None, "type": "text"}, {"from": wa_id, "type": "text", "text": "not an object"},
                           text_message(wa_id, "Hola, buenos días"))
    batch["entry"] = [None, "entry", {"changes": [None, {"value": None}, {"value": {"messages": "x"}}]}, *batch["entry"]]
    assert post_whatsapp(rasa, batch, channel_settings["WHATSAPP_APP_SECRET"]).status_code == 200
    sent = " ".join(r["body"] for r in whatsapp_messages_to(providers, wa_id, minimum=2))
    assert json.dumps(response_text("utter_unsupported_message"))[1:-1] in sent  # the text that is not text
    assert json.dumps(response_text("utter_greet", "es"))[1:-1] in sent
    for odd in ({"entry": None}, {"entry": "x"}, {"entry": [{"changes": "x"}]}):
        assert post_whatsapp(rasa, odd, channel_settings["WHATSAPP_APP_SECRET"]).status_code == 200, odd


# ---------------------------------------------------------------- Facebook Messenger


def post_messenger(rasa, payload, secret=None):
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Hub-Signature-256"] = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return requests.post(f"{rasa.url}/webhooks/facebook/webhook", data=body, headers=headers, timeout=60)


def messenger_event(sender, text=None, echo=False, attachment=False):
    message = {"mid": f"m.{uuid.uuid4().hex}"}
    if text is not None:
        message["text"] = text
    if echo:
        message["is_echo"] = True
    if attachment:
        message["attachments"] = [{"type": "image", "payload": {"url": "https://example.invalid/x.jpg"}}]
    return {"sender": {"id": sender}, "recipient": {"id": "PAGE"}, "timestamp": 0, "message": message}


def messenger_messages_to(providers, psid, minimum=1, timeout=10):
    return providers.sent(lambda r: r["path"].endswith("/me/messages") and f'"id": "{psid}"' in r["body"], minimum, timeout)


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
    payload = {"object": "page", "entry": [{"id": "PAGE", "messaging": [
        messenger_event(french, "Bonjour, je cherche un logement pour ma famille"),
        messenger_event(echo, "an echo of the page's own message", echo=True),
        messenger_event(sticker, attachment=True),
    ]}]}
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
    odd_events = [None, "event", 7, {"sender": None}, {"sender": "x"}, {"sender": {"id": psid}, "message": "text"},
                  {"sender": {"id": psid}, "message": {"attachments": "x", "mid": f"m.{uuid.uuid4().hex}"}}]
    payload = {"object": "page", "entry": [None, {"messaging": None}, {"id": "PAGE", "messaging": [*odd_events, messenger_event(psid, "Hello there")]}]}
    assert post_messenger(rasa, payload, channel_settings["MESSENGER_APP_SECRET"]).status_code == 200
    sent = " ".join(r["body"] for r in messenger_messages_to(providers, psid, minimum=2))
    assert json.dumps(response_text("utter_unsupported_message"))[1:-1] in sent  # the message without text
    assert json.dumps(response_text("utter_greet"))[1:-1] in sent


# ---------------------------------------------------------------- REST (the widget's channel)


def say(rasa, text, sender=None):
    reply = requests.post(f"{rasa.url}/webhooks/rest/webhook", json={"sender": sender or f"t-{uuid.uuid4()}", "message": text}, timeout=30)
    return reply.status_code, (reply.json() if reply.headers.get("content-type", "").startswith("application/json") else None)


def test_users_cannot_inject_intents(rasa):
    status, replies = say(rasa, "/message_too_long")
    assert status == 200
    assert [m.get("text") for m in replies] != [response_text("utter_message_too_long")]
    status, replies = say(rasa, '/find_housing{"need": "housing-shelter"}')
    assert status == 200 and replies  # understood as text, answered
    # An injected intent with an entity would switch this conversation to Arabic; as text it does not.
    sender = f"t-{uuid.uuid4()}"
    status, replies = say(rasa, '/change_language{"language": "ar"}', sender)
    assert status == 200 and replies and not any(m["text"].startswith("\u200f") for m in replies), replies
    status, replies = say(rasa, "hello", sender)
    assert [m["text"] for m in replies] == [response_text("utter_greet")], replies


def test_huge_and_empty_messages_get_a_localized_answer(rasa):
    status, replies = say(rasa, "ayuda " * 2000)   # over MAX_MESSAGE_CHARACTERS, under the 16 KB body limit
    assert status == 200 and [m["text"] for m in replies] == [response_text("utter_message_too_long")]
    status, replies = say(rasa, "ayuda " * 20000)  # a body no client of ours sends (the widget caps at 1,000)
    assert status == 413 and replies == {"error": "too_large", "detail": "The request is too large."}
    sender = f"t-{uuid.uuid4()}"
    say(rasa, "hola, necesito ayuda", sender)
    for nothing in ("", "   ", "\u200b\u200f", "\x00\x01"):
        status, replies = say(rasa, nothing, sender)
        assert status == 200 and [m["text"] for m in replies] == [response_text("utter_unsupported_message", "es")], nothing


@pytest.mark.parametrize("body", [{}, {"sender": "", "message": "hi"}, {"sender": ["x"], "message": "hi"}, {"sender": "x" * 500, "message": "hi"}])
def test_malformed_requests_get_a_400(rasa, body):
    assert requests.post(f"{rasa.url}/webhooks/rest/webhook", json=body, timeout=10).status_code == 400


def test_rest_is_rate_limited_per_client(rasa, channel_settings):
    url = f"{rasa.url}/webhooks/rest/webhook"
    statuses = [requests.post(url, json={}, timeout=10).status_code for _ in range(int(channel_settings["REST_RATE_BURST"]) + 40)]
    assert 429 in statuses and statuses[0] == 400
    time.sleep(int(channel_settings["REST_RATE_BURST"]) * 60 / float(channel_settings["REST_RATE_PER_MINUTE"]) + 1)  # let the bucket refill for other tests


# ---------------------------------------------------------------- location shares: the "near me" search

SOUTHFIELD = (47.0162, 8.0903)  # the demo city's Women First centre


def nearest_services(directory_api, category, point, count=3):
    page = requests.get(f"{directory_api}/services", params={"taxonomy_term_id": category, "status": "active", "per_page": count,
                                                            "lat": point[0], "lon": point[1]}, timeout=10).json()
    return [s["name"] for s in page["contents"]]


DISTANCE = {"en": r"(\d+(?:\.\d)?) (km|m) away", "es": r"\ba (\d+(?:,\d)?) (km|m)\b"}


def assert_nearest_first(sent_text, names=None, language="en"):
    """Every card says how far it is, nearest first; with `names`, in exactly the directory's order."""
    distances = [float(value.replace(",", ".")) * (1000 if unit == "km" else 1) for value, unit in re.findall(DISTANCE[language], sent_text)]
    assert len(distances) == 3 and distances == sorted(distances), sent_text[:3000]
    if names:
        positions = [sent_text.find(name) for name in names]
        assert all(p >= 0 for p in positions) and positions == sorted(positions), (names, sent_text[:3000])


def test_telegram_location_after_a_question_lists_that_category_nearest_first(rasa, providers, channel_settings, directory_api):
    chat_id = uuid.uuid4().int % 10**9
    secret = channel_settings["TELEGRAM_SECRET_TOKEN"]
    assert post_telegram(rasa, telegram_update(chat_id, "I need to see a doctor"), secret).status_code == 200
    before = len(telegram_messages_to(providers, chat_id, minimum=4))
    update = telegram_update(chat_id)
    update["update_id"] += 1
    update["message"]["location"] = {"latitude": SOUTHFIELD[0], "longitude": SOUTHFIELD[1]}
    assert post_telegram(rasa, update, secret).status_code == 200
    after = telegram_messages_to(providers, chat_id, minimum=before + 4)[before:]
    sent = " ".join(r["body"] for r in after)
    assert response_text("utter_results_health") in sent
    assert_nearest_first(sent)  # (the question may name a sub-need: the distances shown must rise)


def test_telegram_live_location_updates_do_not_search_again(rasa, providers, channel_settings):
    chat_id = uuid.uuid4().int % 10**9
    moving = {"update_id": chat_id, "edited_message": {"message_id": 1, "date": 0, "edit_date": 1, "chat": {"id": chat_id, "type": "private"},
              "location": {"latitude": SOUTHFIELD[0], "longitude": SOUTHFIELD[1], "live_period": 900}}}
    assert post_telegram(rasa, moving, channel_settings["TELEGRAM_SECRET_TOKEN"]).status_code == 200
    time.sleep(1)
    assert not telegram_messages_to(providers, chat_id, minimum=1)


def test_whatsapp_cloud_location_first_asks_what_help_then_searches_near_it(rasa, providers, channel_settings, directory_api):
    wa_id = str(uuid.uuid4().int)[:12]
    secret = channel_settings["WHATSAPP_APP_SECRET"]
    shared = {"from": wa_id, "id": f"wamid.{uuid.uuid4().hex}", "timestamp": "0", "type": "location",
              "location": {"latitude": SOUTHFIELD[0], "longitude": SOUTHFIELD[1], "name": "Home", "address": "Southfield"}}
    assert post_whatsapp(rasa, whatsapp_batch(shared), secret).status_code == 200
    question = json.loads(whatsapp_messages_to(providers, wa_id)[0]["body"])
    assert question["interactive"]["body"]["text"] == response_text("utter_ask_category_near_you")
    rows = question["interactive"]["action"]["sections"][0]["rows"]
    housing = next(r for r in rows if r["id"] == "/find_housing")
    choice = {"from": wa_id, "id": f"wamid.{uuid.uuid4().hex}", "timestamp": "0", "type": "interactive",
              "interactive": {"type": "list_reply", "list_reply": {"id": housing["id"], "title": housing["title"]}}}
    assert post_whatsapp(rasa, whatsapp_batch(choice), secret).status_code == 200
    sent = " ".join(json.loads(r["body"]).get("text", {}).get("body", "") for r in whatsapp_messages_to(providers, wa_id, minimum=5)[1:])
    assert response_text("utter_results_housing") in sent
    assert_nearest_first(sent, nearest_services(directory_api, "housing", SOUTHFIELD))


def test_twilio_whatsapp_location_in_spanish_then_a_numbered_choice(rasa, providers, channel_settings, directory_api):
    number = "whatsapp:" + unique_number()
    sign = channel_settings["TWILIO_AUTH_TOKEN"]
    post = lambda form: post_twilio(rasa, "twilio_whatsapp", channel_settings, form, sign_with=sign, url_key="TWILIO_WHATSAPP_WEBHOOK_URL")  # noqa: E731
    assert post({"From": number, "Body": "Hola, buenos días"}).status_code == 204
    greeting = twilio_messages_to(providers, number)
    shared = {"From": number, "Body": "", "NumMedia": "0", "Latitude": str(SOUTHFIELD[0]), "Longitude": str(SOUTHFIELD[1]), "Address": "Southfield"}
    assert post(shared).status_code == 204
    question = twilio_messages_to(providers, number, minimum=len(greeting) + 1)[len(greeting)]["body"]
    assert response_text("utter_ask_category_near_you", "es") in question and "3. Salud" in question
    assert post({"From": number, "Body": "3"}).status_code == 204
    sent = " ".join(r["body"] for r in twilio_messages_to(providers, number, minimum=len(greeting) + 5)[len(greeting) + 1:])
    assert response_text("utter_results_health", "es") in sent
    assert_nearest_first(sent, nearest_services(directory_api, "health", SOUTHFIELD), language="es")


def test_messenger_location_attachment_after_a_question(rasa, providers, channel_settings, directory_api):
    psid = str(uuid.uuid4().int)[:15]
    secret = channel_settings["MESSENGER_APP_SECRET"]
    tap = messenger_event(psid, "Work")
    tap["message"]["quick_reply"] = {"payload": "/find_employment"}
    ask = {"object": "page", "entry": [{"id": "PAGE", "messaging": [tap]}]}
    assert post_messenger(rasa, ask, secret).status_code == 200
    before = len(messenger_messages_to(providers, psid, minimum=4))
    event = messenger_event(psid)
    event["message"]["attachments"] = [{"type": "location", "payload": {"coordinates": {"lat": SOUTHFIELD[0], "long": SOUTHFIELD[1]}}}]
    assert post_messenger(rasa, {"object": "page", "entry": [{"id": "PAGE", "messaging": [event]}]}, secret).status_code == 200
    sent = " ".join(json.loads(r["body"])["message"].get("text", "") for r in messenger_messages_to(providers, psid, minimum=before + 4)[before:])
    assert response_text("utter_results_employment") in sent
    assert_nearest_first(sent, nearest_services(directory_api, "employment", SOUTHFIELD))


def test_a_typed_location_payload_with_garbage_is_just_text(rasa):
    for forged in ('/share_location{"latitude": "DROP TABLE", "longitude": 1e999}', '/share_location{"latitude": 1, "longitude": 2, "need": "x"}'):
        status, replies = say(rasa, forged)
        assert status == 200 and replies
        assert [m.get("text") for m in replies][0] != response_text("utter_ask_category_near_you")


def test_the_widgets_location_payload_over_rest(rasa):
    sender = f"t-{uuid.uuid4()}"
    status, replies = say(rasa, '/share_location{"latitude": 47.0162, "longitude": 8.0903}', sender)
    assert status == 200 and replies[0]["text"] == response_text("utter_ask_category_near_you")
    assert [b["payload"] for b in replies[0]["buttons"]] == ["/find_employment", "/find_education", "/find_health", "/find_housing"]
    status, replies = say(rasa, "/find_health", sender)
    assert replies[0]["text"] == response_text("utter_results_health") and "away" in replies[1]["text"]
