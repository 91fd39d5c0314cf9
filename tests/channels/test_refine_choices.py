"""The follow-up buttons under a list of services on the messaging channels: an inline keyboard on
Telegram, numbered choices on SMS (replying with the number taps it), in the user's language."""

import uuid

import requests
from channel_requests import post_telegram, post_twilio, telegram_messages_to, telegram_update, twilio_messages_to, unique_number

from servers import response_text


def open_now(directory_api: str, term: str) -> set:
    params = {"taxonomy_term_id": term, "status": "active", "per_page": 100, "open": "now"}
    return {s["name"] for s in requests.get(f"{directory_api}/services", params=params, timeout=10).json()["contents"]}


def test_sms_lists_end_with_numbered_follow_ups_and_a_number_taps_one(rasa, providers, channel_settings, directory_api):
    number = unique_number()
    sign = channel_settings["TWILIO_AUTH_TOKEN"]
    assert post_twilio(rasa, "twilio", channel_settings, {"From": number, "Body": "busco trabajo"}, sign_with=sign).status_code == 204
    menu = twilio_messages_to(providers, number, minimum=2)[-1]["body"]
    assert response_text("utter_refine_choices", "es") in menu
    assert "1. Más" in menu and "2. Abierto ahora" in menu and "3. En mi idioma" in menu and "4. Cerca de mí" in menu
    before = len(twilio_messages_to(providers, number))
    assert post_twilio(rasa, "twilio", channel_settings, {"From": number, "Body": "2"}, sign_with=sign).status_code == 204
    answer = " ".join(r["body"] for r in twilio_messages_to(providers, number, minimum=before + 2)[before:])
    # The clock decides which answer is right; the directory says which.
    expected = "utter_results_open" if open_now(directory_api, "employment-job-search") else "utter_none_open"
    assert response_text(expected, "es").split("{")[0] in answer, answer


def test_telegram_lists_end_with_an_inline_keyboard_of_follow_ups(rasa, providers, channel_settings):
    chat_id = uuid.uuid4().int % 10**9
    assert post_telegram(rasa, telegram_update(chat_id, "шукаю роботу"), channel_settings["TELEGRAM_SECRET_TOKEN"]).status_code == 200
    last = telegram_messages_to(providers, chat_id, minimum=5)[-1]["body"]
    assert response_text("utter_refine_choices", "uk") in last and "inline_keyboard" in last
    assert all(payload in last for payload in ("/ask_more", "/refine_open_now", "/refine_my_language", "/ask_nearby"))
