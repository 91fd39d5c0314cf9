"""Telegram end to end: real Rasa with its real connector, the fake Telegram API on loopback.

Forged updates get 403 and reach no conversation; a verified user is answered in their language."""

import uuid

import pytest
import requests

from channel_requests import post_telegram, telegram_click, telegram_messages_to, telegram_update
from fake_providers import EXPIRED_QUERY
from servers import response_text


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
    click = {
        "update_id": chat_id + 1,
        "callback_query": {
            "id": "1",
            "from": {"id": chat_id, "is_bot": False, "first_name": "T"},
            "chat_instance": "1",
            "data": "/find_health",
            "message": {"message_id": 2, "date": 0, "chat": {"id": chat_id, "type": "private"}, "text": "x"},
        },
    }
    assert post_telegram(rasa, click, secret).status_code == 200
    sent = " ".join(r["body"] for r in telegram_messages_to(providers, chat_id, minimum=3))
    assert response_text("utter_results_health", "uk") in sent
    assert providers.sent(lambda r: r["path"].endswith("/answerCallbackQuery") and "callback_query_id=1" in r["body"].replace('"callback_query_id": "1"', "callback_query_id=1"))


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
