"""Privacy through the real servers: "delete my conversation" in any language erases everything kept
about the user, checked in the stores themselves (the production profile's PostgreSQL tracker store and
Redis); a deletion that fails says so; the logs (INFO, the servers' default) hold neither message text
nor sender ids."""

import time
import uuid

import pytest
import redis
import requests
from production_stack import Datastores
from twilio.request_validator import RequestValidator

from bot_client import reply_messages
from servers import LOG_DIR, rasa_server, response_text

pytestmark = pytest.mark.timeout(900)

RTL_MARK = "\u200f"
DELETED_SIGNAL = {"type": "conversation_deleted"}  # bot/erasure.py
SPOKEN = {"senders": set(), "texts": set()}  # what the log test looks for
LOGS = ("rasa", "actions", "directory", "rasa-privacy")


@pytest.fixture(scope="module", autouse=True)
def log_offsets():
    """Where each server's log ends before this module: the log test reads only what was written since."""
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    return {name: (LOG_DIR / f"{name}.log").stat().st_size if (LOG_DIR / f"{name}.log").exists() else 0 for name in LOGS}


@pytest.fixture(scope="module")
def stores():
    stores = Datastores()
    stores.run("start")
    yield stores
    stores.remove()


@pytest.fixture(scope="module")
def production_rasa(stores, actions, channel_settings):
    """A Rasa replica of the production profile (conversations in PostgreSQL, menus in Redis), channels on."""
    env = {**channel_settings, **stores.env}
    server = rasa_server(actions.url + "/webhook", "http://127.0.0.1", env=env, endpoints="endpoints.production.yml", name="rasa-privacy").start()
    yield server
    server.stop()


def post(rasa, sender: str, text: str, metadata=None) -> list:
    """The assistant's messages, with the sender and text remembered for the log test."""
    SPOKEN["senders"].add(sender)
    if len(text) >= 10:
        SPOKEN["texts"].add(text)
    return reply_messages(rasa, text, sender, metadata=metadata)


def say(rasa, sender: str, text: str, metadata=None) -> list:
    return [message.get("text", "") for message in post(rasa, sender, text, metadata)]


def user_turns(stores, sender: str) -> list:
    return [row for row in stores.tracker_events(sender) if row[0] == "user"]


# ---------------------------------------------------------------- in the stores the production profile uses


def test_delete_my_conversation_leaves_nothing_in_the_tracker_store(production_rasa, stores):
    sender = f"erase-{uuid.uuid4().hex[:8]}"
    assert say(production_rasa, sender, "أحتاج إلى طبيب")[0].startswith(RTL_MARK)
    assert len(user_turns(stores, sender)) == 1
    assert say(production_rasa, sender, "من فضلك احذف محادثتي") == [response_text("utter_conversation_deleted", "ar")]
    assert stores.tracker_events(sender) == []
    # A fresh conversation: the Arabic chosen before is gone, so a neutral message is answered in English.
    follow_up = say(production_rasa, sender, "ok")
    assert follow_up and not any(text.startswith(RTL_MARK) for text in follow_up)
    assert not any(row[2] and "طبيب" in row[2] for row in stores.tracker_events(sender))


def sms(rasa, settings, number: str, body: str) -> None:
    SPOKEN["senders"].add(number)
    form = {"MessageSid": f"SM{uuid.uuid4().hex}", "From": number, "Body": body}
    signature = RequestValidator(settings["TWILIO_AUTH_TOKEN"]).compute_signature(settings["TWILIO_SMS_WEBHOOK_URL"], form)
    reply = requests.post(f"{rasa.url}/webhooks/twilio/webhook", data=form, headers={"X-Twilio-Signature": signature}, timeout=30)
    assert reply.status_code == 204, reply.text


def test_delete_my_conversation_forgets_the_sms_menu_kept_in_redis(production_rasa, stores, providers, channel_settings):
    number = f"+4420794{uuid.uuid4().int % 100000:05d}"
    texts_to = lambda: [r["body"] for r in providers.requests if "/Messages.json" in r["path"] and f"To={number}" in r["body"]]  # noqa: E731
    menus = redis.Redis(host="127.0.0.1", port=int(stores.env["REDIS_PORT"]), password=stores.env["REDIS_PASSWORD"], db=2)
    sms(production_rasa, channel_settings, number, "Bonjour")
    assert "3. Santé" in texts_to()[0]
    assert menus.exists(f"newcomer:menu:{number}")
    sms(production_rasa, channel_settings, number, "supprime ma conversation")
    assert response_text("utter_conversation_deleted", "fr") in texts_to()[-1]
    assert not menus.exists(f"newcomer:menu:{number}")
    assert stores.tracker_events(number) == []
    # "3" picked "Santé" from the menu before; now it is only the text "3" of a new conversation.
    before = len(texts_to())
    sms(production_rasa, channel_settings, number, "3")
    after = " ".join(texts_to()[before:])
    assert after and not any(response_text("utter_results_health", language) in after for language in ("en", "fr"))


def test_a_deletion_that_fails_says_so_and_can_be_asked_again(production_rasa, stores):
    sender = f"erase-fails-{uuid.uuid4().hex[:8]}"
    widget = {"language": "uk", "cards": True}  # as the web widget sends it
    assert say(production_rasa, sender, "Мені потрібен лікар", widget)
    assert user_turns(stores, sender)
    stores.run("stop-postgres")
    try:
        replies = post(production_rasa, sender, "/delete_conversation", widget)
    finally:
        stores.run("start")
    assert [m.get("text") for m in replies] == [response_text("utter_conversation_not_deleted", "uk")]
    assert DELETED_SIGNAL not in [m.get("custom") for m in replies]
    assert user_turns(stores, sender), "nothing was deleted, as the user was told"
    for _ in range(5):  # the connection pool replaces its dead connections within a few turns
        replies = post(production_rasa, sender, "/delete_conversation", widget)
        if DELETED_SIGNAL in [m.get("custom") for m in replies]:
            break
        time.sleep(1)
    assert [m.get("text") for m in replies if "text" in m] == [response_text("utter_conversation_deleted", "uk")]
    assert stores.tracker_events(sender) == []


# ---------------------------------------------------------------- the local profile (conversations in memory)


def test_the_widget_command_and_other_languages_delete_too(rasa):
    for language, request in (("uk", "видали мою розмову, будь ласка"), ("es", "borra mi conversación"), ("fa", "/delete_conversation")):
        sender = f"erase-{language}-{uuid.uuid4().hex[:8]}"
        metadata = {"language": language}
        assert say(rasa, sender, "hola", metadata)
        assert say(rasa, sender, request, metadata) == [response_text("utter_conversation_deleted", language)]
        # Only a client that reads structured messages (the widget) gets the signal, and only on success.
        assert post(rasa, sender, "/delete_conversation", {**metadata, "cards": True})[-1] == {"recipient_id": sender, "custom": DELETED_SIGNAL}
        # Forgotten: the conversation starts again without the language it had.
        follow_up = say(rasa, sender, "ok")
        assert follow_up and response_text("utter_conversation_deleted", language) not in follow_up
        assert not any(text.startswith(RTL_MARK) for text in follow_up)


# ---------------------------------------------------------------- logs


def test_logs_hold_no_message_text_or_sender_ids(rasa, actions, directory, production_rasa, log_offsets, channel_settings):
    """Runs last: everything said in this module, on every server, is looked for in what the servers logged meanwhile."""
    sender = f"private-{uuid.uuid4().hex}"
    secret_text = f"my name is Amina {uuid.uuid4().hex[:6]} and I need a doctor"
    assert say(rasa, sender, secret_text)
    assert say(rasa, sender, "Necesito un abogado para mi caso de asilo")
    # A line each server is known to log, so that an empty or stale log cannot pass.
    marker = uuid.uuid4().hex
    requests.get(f"{directory.url}/no-such-page-{marker}", timeout=10)
    requests.post(f"{actions.url}/webhook", json={"next_action": f"no_such_action_{marker}", "tracker": {"sender_id": "x"}}, timeout=10)
    for server in (rasa, production_rasa):
        forged = requests.post(f"{server.url}/webhooks/telegram/webhook", json={"update_id": 1}, headers={"X-Telegram-Bot-Api-Secret-Token": "forged"}, timeout=10)
        assert forged.status_code == 403
    expected = {"directory": marker, "actions": marker, "rasa": "Telegram update refused", "rasa-privacy": "Telegram update refused"}
    for name in LOGS:
        with open(LOG_DIR / f"{name}.log", "rb") as log_file:
            log_file.seek(log_offsets[name])
            log = log_file.read().decode("utf-8", "replace")
        assert expected[name] in log, f"{name}.log did not record what the server logged during this test"
        for spoken in SPOKEN["senders"]:
            assert spoken not in log, f"{name}.log names the sender {spoken}"
        for text in SPOKEN["texts"] | {"Amina"}:
            assert text not in log, f"{name}.log holds the message {text!r}"
