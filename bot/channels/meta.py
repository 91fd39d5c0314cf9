"""What Meta's webhooks (WhatsApp Cloud API, Messenger) share: the subscription check and the
`X-Hub-Signature-256` check (HMAC-SHA256 of the raw body with the app secret, constant-time),
both done before anything in the request is read."""
import logging
from abc import abstractmethod
from typing import Any, Awaitable, Callable, Dict, List, Tuple

from rasa.core.channels.channel import UserMessage
from sanic import Blueprint, response
from sanic.request import Request

from .common import hmac_sha256_hex, same_secret
from .base import SafeInputChannel

logger = logging.getLogger(__name__)
SIGNATURE_HEADER = "X-Hub-Signature-256"


class MetaWebhookInput(SafeInputChannel):
    """Subclasses set `app_secret`, `verify_token`, `unset` and implement `messages`."""

    app_secret: str
    verify_token: str
    unset: List[str]

    @abstractmethod
    def messages(self, payload: Dict[str, Any]) -> List[Tuple[str, str]]:
        """(sender, text or internal trigger) for every user message in a webhook batch."""

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
            for sender, text in self.messages(payload):
                await on_new_message(UserMessage(text, self.get_output_channel(), sender, input_channel=self.name()))
            return response.text("", status=200)

        return meta
