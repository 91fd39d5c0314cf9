"""Webhook calls as Telegram, Twilio, WhatsApp Cloud and Messenger make them (signed with the test settings),
and what the assistant sent back through the fake provider APIs (tests/fake_providers.py)."""

import hashlib
import hmac
import json
import time
import uuid

import requests
from twilio.request_validator import RequestValidator


def unique_number() -> str:
    return "+4420794" + str(uuid.uuid4().int)[:5]


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


def telegram_click(chat_id: int, update_id: int, query_id: str, payload: str) -> dict:
    return {
        "update_id": update_id,
        "callback_query": {
            "id": query_id,
            "from": {"id": chat_id, "is_bot": False, "first_name": "T"},
            "chat_instance": "1",
            "data": payload,
            "message": {"message_id": 2, "date": 0, "chat": {"id": chat_id, "type": "private"}, "text": "x"},
        },
    }


def post_twilio(rasa, channel, settings, form, sign_with=None, url_key="TWILIO_SMS_WEBHOOK_URL"):
    url = settings[url_key]
    headers = {}
    if sign_with is not None:
        headers["X-Twilio-Signature"] = RequestValidator(sign_with).compute_signature(url, form)
    return requests.post(f"{rasa.url}/webhooks/{channel}/webhook", data=form, headers=headers, timeout=30)


def twilio_messages_to(providers, number, minimum=1, timeout=10):
    return providers.sent(lambda r: "/Messages.json" in r["path"] and f"To={number}" in r["body"], minimum, timeout)


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
