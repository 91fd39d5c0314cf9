"""Talking to the assistant as the widget does: one message posted to Rasa's REST channel, its replies back.

`server` is a started ServerProcess (or anything with `.url`) or a base URL such as nginx's in front of
the replicas. `language` goes into the metadata as the widget sends it.
"""

import time
import uuid
from typing import List, Optional, Tuple

import requests

REST_WEBHOOK = "/webhooks/rest/webhook"


def rest_url(server) -> str:
    return (server if isinstance(server, str) else server.url) + REST_WEBHOOK


def new_sender(prefix: str = "test") -> str:
    """A conversation no other test shares."""
    return f"{prefix}-{uuid.uuid4()}"


def post_message(server, text: str, sender: Optional[str] = None, language: Optional[str] = None, metadata: Optional[dict] = None, timeout: float = 30, **fields) -> requests.Response:
    """The raw answer, for tests of status codes and error bodies."""
    if language:
        metadata = {**(metadata or {}), "language": language}
    body = {"sender": sender or new_sender(), "message": text, **({"metadata": metadata} if metadata else {}), **fields}
    return requests.post(rest_url(server), json=body, timeout=timeout)


def reply_messages(server, text: str, sender: Optional[str] = None, **options) -> List[dict]:
    """The assistant's messages (text, buttons, ...) to one user message; anything but a 200 fails the test."""
    response = post_message(server, text, sender, **options)
    assert response.status_code == 200, response.text
    return response.json()


def say(server, text: str, sender: Optional[str] = None, **options) -> List[str]:
    """The texts the user reads in answer to one message."""
    return [message.get("text", "") for message in reply_messages(server, text, sender, **options)]


def say_timed(server, text: str, sender: Optional[str] = None, **options) -> Tuple[List[str], float]:
    """The texts and how many seconds the user waited for them."""
    started = time.monotonic()
    texts = say(server, text, sender, **options)
    return texts, time.monotonic() - started
