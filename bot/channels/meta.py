"""What Meta's webhooks (WhatsApp Cloud API, Messenger) share: the subscription check and the
`X-Hub-Signature-256` check (HMAC-SHA256 of the raw body with the app secret, constant-time),
both done before anything in the request is read. A signed batch is read defensively (Meta retries,
then drops, a whole batch we fail on): parts of an unexpected shape are skipped, the rest answered,
and a message Meta delivers again is answered once (bot/channels/redelivery.py)."""

import logging
from abc import abstractmethod
from typing import Any, Awaitable, Callable, Dict, List, NamedTuple, Optional

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from .common import hmac_sha256_hex, same_secret
from .base import SafeInputChannel
from .redelivery import first_delivery

logger = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Hub-Signature-256"


class Incoming(NamedTuple):
    sender: str
    text: str  # the user's text or an internal trigger
    message_id: Optional[str]  # Meta's id of the message, to recognise a redelivery


def obj(value: Any) -> Dict[str, Any]:
    """`value` when it is a JSON object, else an empty one."""
    return value if isinstance(value, dict) else {}


def objects(value: Any) -> List[Dict[str, Any]]:
    """The JSON objects in `value` when it is a list (anything else in it is skipped)."""
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


class MetaWebhookInput(SafeInputChannel):
    """Subclasses set `app_secret`, `verify_token`, `unset` and implement `messages`."""

    app_secret: str
    verify_token: str
    unset: List[str]

    @abstractmethod
    def messages(self, payload: Dict[str, Any]) -> List[Incoming]:
        """Every user message in a webhook batch (read with `obj` and `objects`: never raises)."""

    def routes(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        meta = Blueprint(f"{self.name()}_webhook", __name__)

        @meta.route("/", methods=["GET"])
        async def health(_: Request):
            return response.json({"status": "ok" if not self.unset else "not configured"})

        @meta.route("/webhook", methods=["GET"])
        async def subscribe(request: Request):
            if self.unset:
                return response.json({"error": "not configured"}, status=503)
            if request.args.get("hub.mode") == "subscribe" and same_secret(self.verify_token, request.args.get("hub.verify_token")):
                return response.text(request.args.get("hub.challenge", ""))
            return response.json({"error": "forbidden"}, status=403)

        @meta.route("/webhook", methods=["POST"])
        async def webhook(request: Request):
            if self.unset:
                return response.json({"error": "not configured"}, status=503)
            expected = "sha256=" + hmac_sha256_hex(self.app_secret, request.body or b"")
            if not same_secret(expected, request.headers.get(SIGNATURE_HEADER, "")):
                logger.warning("%s request refused: missing or invalid signature", self.name())
                return response.json({"error": "forbidden"}, status=403)
            try:
                payload = request.json
            except Exception:  # noqa: BLE001 - signed but not JSON
                payload = None
            if not isinstance(payload, dict):
                return response.json({"error": "bad request"}, status=400)
            for message in self.messages(payload):
                if await first_delivery(self.name(), message.message_id):
                    await on_new_message(UserMessage(message.text, self.get_output_channel(), message.sender, input_channel=self.name()))
            return response.text("", status=200)

        return meta
