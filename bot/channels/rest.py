"""The REST channel the web widget uses, with the guard and a per-client rate limit."""

import os
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request

from .base import SafeInputChannel
from .guard import sanitize_optional, with_language
from .rate_limit import RateLimiter

MAX_SENDER_LENGTH = 128
# What the widget sends besides the message; anything else would be stored in the tracker with every message.
METADATA_KEYS = {"language": str, "cards": bool}
# A message of MAX_MESSAGE_CHARACTERS in a four-byte script, JSON-escaped, and its metadata fit easily.
MAX_BODY_BYTES = 16 * 1024


class GuardedRestInput(SafeInputChannel, RestInput):
    """Same routes as Rasa's `rest` channel (/webhooks/rest/webhook)."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "GuardedRestInput":
        credentials = credentials or {}
        return cls(
            per_minute=float(credentials.get("rate_per_minute") or os.environ.get("REST_RATE_PER_MINUTE", "30")),
            burst=int(credentials.get("rate_burst") or os.environ.get("REST_RATE_BURST", "10")),
        )

    def __init__(self, per_minute: float = 30, burst: int = 10) -> None:
        self.limiter = RateLimiter(per_minute, burst)

    def _extract_message(self, req: Request) -> Optional[Text]:
        return with_language(sanitize_optional(req.json.get("message")), (self.get_metadata(req) or {}).get("language"))

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()  # a client may not pose as another channel

    def get_metadata(self, request: Request) -> Optional[Dict[Text, Any]]:
        """Only the keys the product uses, of their type: nothing else reaches the tracker."""
        metadata = request.json.get("metadata")
        if not isinstance(metadata, dict):
            return None
        kept = {key: metadata[key] for key, kind in METADATA_KEYS.items() if isinstance(metadata.get(key), kind)}
        return kept or None

    def routes(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = RestInput.blueprint(self, on_new_message)

        @blueprint.middleware("request")
        async def check(request: Request):
            if request.method != "POST":
                return None
            if len(request.body or b"") > MAX_BODY_BYTES:
                return response.json({"error": "too_large", "detail": "The request is too large."}, status=413)
            if not self.limiter.allow(request.remote_addr or request.ip or "unknown"):
                return response.json({"error": "rate_limited", "detail": "Too many messages; wait a little."}, status=429)
            body = request.json if request.body else None
            if not isinstance(body, dict):
                return response.json({"error": "bad_request", "detail": "Send a JSON object with 'sender' and 'message'."}, status=400)
            sender = body.get("sender")
            if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_LENGTH:
                return response.json({"error": "bad_request", "detail": "'sender' must be a non-empty string."}, status=400)
            return None

        @blueprint.middleware("response")
        async def say_language(request: Request, answer) -> None:
            """The conversation's language in `Content-Language`, so that the widget's own labels follow it
            once it is detected (the replies alone do not say which language they are in)."""
            if request.method != "POST" or getattr(answer, "status", None) != 200:
                return
            language = await conversation_language(request, (request.json or {}).get("sender"))
            if language:
                answer.headers["Content-Language"] = language
                answer.headers["Access-Control-Expose-Headers"] = "Content-Language"

        return blueprint


async def conversation_language(request: Request, sender: Any) -> Optional[Text]:
    """The `language` slot of the sender's conversation, or None (no agent, no tracker, no language)."""
    agent = getattr(request.app.ctx, "agent", None)
    if agent is None or agent.tracker_store is None or not isinstance(sender, str):
        return None
    try:
        tracker = await agent.tracker_store.retrieve(sender)
    except Exception:  # noqa: BLE001 - the answer is sent anyway; only the header is missing
        return None
    language = tracker.get_slot("language") if tracker else None
    return language if isinstance(language, str) and language.isalpha() and len(language) <= 3 else None
