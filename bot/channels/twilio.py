"""SMS and WhatsApp through Twilio, with Twilio's request signature checked.

Rasa's connector checks no `X-Twilio-Signature`, answers 500 to a media-only message, and sends
replies with a blocking HTTP client inside the event loop. Here: the signature is verified over
the public webhook URL and the form fields (Twilio's documented scheme), a message without text
gets a localized "text only" answer, and replies go out through aiohttp to a configurable API
base URL. The same class serves SMS (`twilio`) and WhatsApp (`twilio_whatsapp`, numbers prefixed
"whatsapp:").
"""

import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text
from urllib.parse import parse_qs

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from twilio.request_validator import RequestValidator

from .common import OutboundHttp, missing, numbered_menu, setting, split_text
from .base import SafeInputChannel
from .guard import UNSUPPORTED_MESSAGE, location, sanitize, trigger
from .menus import MenuMemory
from .redelivery import first_delivery

logger = logging.getLogger(__name__)
DEFAULT_API_BASE = "https://api.twilio.com"
SIGNATURE_HEADER = "X-Twilio-Signature"
TWILIO_TEXT_LIMIT = 1600


class TwilioRestOutput(OutputChannel):
    def __init__(self, channel: str, account_sid: str, auth_token: str, from_number: str, api_base_url: str) -> None:
        self.channel, self.from_number = channel, from_number
        self.url = f"{api_base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self.auth = (account_sid, auth_token)
        self.http = OutboundHttp()
        # The last numbered menu sent to each number (in this process, or in Redis for all replicas).
        self.menus = MenuMemory()

    @classmethod
    def name(cls) -> Text:
        return "twilio"

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        import aiohttp

        for part in split_text(text, TWILIO_TEXT_LIMIT):
            await self.http.post(self.url, self.channel, data={"To": recipient_id, "From": self.from_number, "Body": part}, auth=aiohttp.BasicAuth(*self.auth))

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        await self.menus.remember(recipient_id, [button["payload"] for button in buttons])
        await self.send_text_message(recipient_id, numbered_menu(text, [button["title"] for button in buttons]))

    async def choice(self, sender: str, body: str) -> Optional[str]:
        """The payload of the numbered option `body` names, if it names one."""
        number = body.strip().rstrip(".)")
        if not number.isdigit():
            return None
        options = await self.menus.recall(sender)
        if 1 <= int(number) <= len(options):
            return options[int(number) - 1]
        return None


class VerifiedTwilioInput(SafeInputChannel):
    @classmethod
    def name(cls) -> Text:
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "VerifiedTwilioInput":
        return cls(
            account_sid=setting(credentials, "account_sid"),
            auth_token=setting(credentials, "auth_token"),
            twilio_number=setting(credentials, "twilio_number"),
            webhook_url=setting(credentials, "webhook_url"),
            api_base_url=setting(credentials, "api_base_url") or DEFAULT_API_BASE,
        )

    def __init__(self, account_sid: str, auth_token: str, twilio_number: str, webhook_url: str, api_base_url: str = DEFAULT_API_BASE) -> None:
        self.account_sid, self.auth_token, self.twilio_number = account_sid, auth_token, twilio_number
        self.webhook_url, self.api_base_url = webhook_url, api_base_url
        self.unset = list(missing({"account_sid": account_sid, "auth_token": auth_token, "twilio_number": twilio_number, "webhook_url": webhook_url}))
        if self.unset:
            logger.info("%s channel off (not configured: %s)", self.name(), ", ".join(self.unset))
        self._output: Optional[TwilioRestOutput] = None

    def get_output_channel(self) -> TwilioRestOutput:
        if self._output is None:
            self._output = TwilioRestOutput(self.name(), self.account_sid, self.auth_token, self.twilio_number, self.api_base_url)
        return self._output

    @staticmethod
    def form_fields(request: Request) -> Dict[str, str]:
        """All posted fields, empty ones included (Twilio signs those too; Sanic's form drops them)."""
        parsed = parse_qs((request.body or b"").decode("utf-8", "replace"), keep_blank_values=True)
        return {key: values[0] for key, values in parsed.items()}

    def signature_valid(self, request: Request, fields: Dict[str, str]) -> bool:
        """Twilio signs the public URL it called plus the POSTed form fields."""
        signature = request.headers.get(SIGNATURE_HEADER)
        if not signature:
            return False
        return RequestValidator(self.auth_token).validate(self.webhook_url, fields, signature)

    def routes(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        twilio = Blueprint(f"{self.name()}_webhook", __name__)

        @twilio.route("/", methods=["GET"])
        async def health(_: Request):
            return response.json({"status": "ok" if not self.unset else "not configured"})

        @twilio.route("/webhook", methods=["POST"])
        async def webhook(request: Request):
            if self.unset:
                return response.json({"error": "not configured"}, status=503)
            fields = self.form_fields(request)
            if not self.signature_valid(request, fields):
                logger.warning("%s request refused: missing or invalid signature", self.name())
                return response.json({"error": "forbidden"}, status=403)
            sender = fields.get("From")
            if not sender:
                return response.json({"error": "bad request"}, status=400)
            if not await first_delivery(self.name(), fields.get("MessageSid")):
                return response.text("", status=204)  # answered when it first came
            body = fields.get("Body")
            # A photo or voice note arrives with NumMedia > 0 and an empty Body; a WhatsApp location
            # with Latitude and Longitude fields: the search is then near it.
            choice = await self.get_output_channel().choice(sender, body or "")
            if fields.get("Latitude") or fields.get("Longitude"):
                text = location(fields.get("Latitude"), fields.get("Longitude"))
            else:
                text = choice or (sanitize(body.replace("¡", "@")) if body else trigger(UNSUPPORTED_MESSAGE))
            await on_new_message(UserMessage(text, self.get_output_channel(), sender, input_channel=self.name()))
            return response.text("", status=204)

        return twilio


class VerifiedTwilioWhatsAppInput(VerifiedTwilioInput):
    """WhatsApp through Twilio: same protocol, own webhook (/webhooks/twilio_whatsapp/webhook)."""

    @classmethod
    def name(cls) -> Text:
        return "twilio_whatsapp"
