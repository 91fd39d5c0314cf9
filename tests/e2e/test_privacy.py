"""Privacy through the real servers: "delete my conversation" in any language erases it on the
server, and the logs (INFO, the servers' default) hold neither message text nor sender ids."""
import uuid

import requests

from servers import LOG_DIR, response_text

RTL_MARK = "\u200f"


def say(rasa, sender: str, text: str) -> list:
    reply = requests.post(rasa.url + "/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=30)
    assert reply.status_code == 200, reply.text
    return [message.get("text", "") for message in reply.json()]


def test_delete_my_conversation_forgets_it(rasa):
    sender = f"erase-{uuid.uuid4().hex[:8]}"
    assert say(rasa, sender, "أحتاج إلى طبيب")[0].startswith(RTL_MARK)
    assert say(rasa, sender, "من فضلك احذف محادثتي") == [response_text("utter_conversation_deleted", "ar")]
    # A fresh conversation: the Arabic chosen before is gone, so a neutral message is answered in English.
    follow_up = say(rasa, sender, "ok")
    assert follow_up and not any(text.startswith(RTL_MARK) for text in follow_up)


def test_the_widget_command_and_other_languages_delete_too(rasa):
    for language, request in (("uk", "видали мою розмову, будь ласка"), ("es", "borra mi conversación"), ("fa", "/delete_conversation")):
        sender = f"erase-{language}-{uuid.uuid4().hex[:8]}"
        metadata = {"language": language}
        requests.post(rasa.url + "/webhooks/rest/webhook", json={"sender": sender, "message": "hola", "metadata": metadata}, timeout=30)
        reply = requests.post(rasa.url + "/webhooks/rest/webhook", json={"sender": sender, "message": request, "metadata": metadata}, timeout=30)
        assert [m.get("text") for m in reply.json()] == [response_text("utter_conversation_deleted", language)]


def test_logs_hold_no_message_text_or_sender_ids(rasa, actions, directory):
    sender = f"private-{uuid.uuid4().hex}"
    secret_text = f"my name is Amina {uuid.uuid4().hex[:6]} and I need a doctor"
    assert say(rasa, sender, secret_text)
    assert say(rasa, sender, "Necesito un abogado para mi caso de asilo")
    for name in ("rasa", "actions", "directory"):
        log = (LOG_DIR / f"{name}.log").read_text(errors="replace")
        assert sender not in log, f"{name}.log names the sender"
        assert secret_text not in log and "Amina" not in log, f"{name}.log holds message text"
