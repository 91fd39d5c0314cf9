"""Location shares (Telegram, WhatsApp via Twilio and the Cloud API, Messenger, the widget's payload): the
"near me" search lists the nearest services first."""

import json
import re
import time
import uuid

import requests

from bot_client import new_sender, reply_messages, say
from channel_requests import (
    messenger_event,
    messenger_messages_to,
    post_messenger,
    post_telegram,
    post_twilio,
    post_whatsapp,
    telegram_messages_to,
    telegram_update,
    twilio_messages_to,
    unique_number,
    whatsapp_batch,
    whatsapp_messages_to,
)
from servers import response_text


SOUTHFIELD = (47.0162, 8.0903)  # the demo city's Women First centre


def nearest_services(directory_api, category, point, count=3):
    page = requests.get(f"{directory_api}/services", params={"taxonomy_term_id": category, "status": "active", "per_page": count, "lat": point[0], "lon": point[1]}, timeout=10).json()
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
    moving = {
        "update_id": chat_id,
        "edited_message": {
            "message_id": 1,
            "date": 0,
            "edit_date": 1,
            "chat": {"id": chat_id, "type": "private"},
            "location": {"latitude": SOUTHFIELD[0], "longitude": SOUTHFIELD[1], "live_period": 900},
        },
    }
    assert post_telegram(rasa, moving, channel_settings["TELEGRAM_SECRET_TOKEN"]).status_code == 200
    time.sleep(1)
    assert not telegram_messages_to(providers, chat_id, minimum=1)


def test_whatsapp_cloud_location_first_asks_what_help_then_searches_near_it(rasa, providers, channel_settings, directory_api):
    wa_id = str(uuid.uuid4().int)[:12]
    secret = channel_settings["WHATSAPP_APP_SECRET"]
    shared = {
        "from": wa_id,
        "id": f"wamid.{uuid.uuid4().hex}",
        "timestamp": "0",
        "type": "location",
        "location": {"latitude": SOUTHFIELD[0], "longitude": SOUTHFIELD[1], "name": "Home", "address": "Southfield"},
    }
    assert post_whatsapp(rasa, whatsapp_batch(shared), secret).status_code == 200
    question = json.loads(whatsapp_messages_to(providers, wa_id)[0]["body"])
    assert question["interactive"]["body"]["text"] == response_text("utter_ask_category_near_you")
    rows = question["interactive"]["action"]["sections"][0]["rows"]
    housing = next(r for r in rows if r["id"] == "/find_housing")
    choice = {
        "from": wa_id,
        "id": f"wamid.{uuid.uuid4().hex}",
        "timestamp": "0",
        "type": "interactive",
        "interactive": {"type": "list_reply", "list_reply": {"id": housing["id"], "title": housing["title"]}},
    }
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
    sent = " ".join(r["body"] for r in twilio_messages_to(providers, number, minimum=len(greeting) + 5)[len(greeting) + 1 :])
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
        replies = say(rasa, forged)
        assert replies and replies[0] != response_text("utter_ask_category_near_you")


def test_the_widgets_location_payload_over_rest(rasa):
    sender = new_sender()
    replies = reply_messages(rasa, '/share_location{"latitude": 47.0162, "longitude": 8.0903}', sender)
    assert replies[0]["text"] == response_text("utter_ask_category_near_you")
    assert [b["payload"] for b in replies[0]["buttons"]] == ["/find_employment", "/find_education", "/find_health", "/find_housing"]
    replies = say(rasa, "/find_health", sender)
    assert replies[0] == response_text("utter_results_health") and "away" in replies[1]
