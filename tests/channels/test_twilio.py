"""Twilio SMS and WhatsApp end to end: real Rasa with its real connectors, the fake Twilio API on loopback.

Unsigned or forged requests get 403 and reach no conversation; a verified user is answered in their language."""

import uuid

import pytest

from channel_requests import post_twilio, twilio_messages_to, unique_number
from servers import response_text


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
