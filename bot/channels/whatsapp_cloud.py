"""WhatsApp through Meta's WhatsApp Cloud API (Rasa has no connector for it).

Webhook checks as for every Meta webhook (bot/channels/meta.py); every message of a batch is
handled; replies go to {api_base_url}/{phone_number_id}/messages with the access token.
"""

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel

from .common import OutboundHttp, missing, setting, split_text
from .guard import UNSUPPORTED_MESSAGE, location, sanitize, trigger
from .meta import Incoming, MetaWebhookInput, obj, objects

logger = logging.getLogger(__name__)
DEFAULT_API_BASE = "https://graph.facebook.com/v19.0"
WHATSAPP_TEXT_LIMIT = 4096
INTERACTIVE_BODY_LIMIT = 1024


class WhatsAppCloudOutput(OutputChannel):
    def __init__(self, access_token: str, phone_number_id: str, api_base_url: str) -> None:
        self.url = f"{api_base_url.rstrip('/')}/{phone_number_id}/messages"
        self.headers = {"Authorization": f"Bearer {access_token}"}
        self.http = OutboundHttp()

    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    async def _send(self, recipient_id: Text, message: Dict[str, Any]) -> None:
        await self.http.post(self.url, "WhatsApp", json={"messaging_product": "whatsapp", "to": recipient_id, **message}, headers=self.headers)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for part in split_text(text, WHATSAPP_TEXT_LIMIT):
            await self._send(recipient_id, {"type": "text", "text": {"body": part}})

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        """Up to 3 options as reply buttons, more as a list (WhatsApp's interactive messages)."""
        if len(text) > INTERACTIVE_BODY_LIMIT:
            await self.send_text_message(recipient_id, text)
            text = "☰"
        if len(buttons) <= 3:
            action = {"buttons": [{"type": "reply", "reply": {"id": b["payload"], "title": b["title"][:20]}} for b in buttons]}
            interactive = {"type": "button", "body": {"text": text}, "action": action}
        else:
            rows = [{"id": b["payload"], "title": b["title"][:24]} for b in buttons[:10]]
            interactive = {"type": "list", "body": {"text": text}, "action": {"button": "☰", "sections": [{"rows": rows}]}}
        await self._send(recipient_id, {"type": "interactive", "interactive": interactive})


class WhatsAppCloudInput(MetaWebhookInput):
    @classmethod
    def name(cls) -> Text:
        return "whatsapp"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "WhatsAppCloudInput":
        return cls(
            access_token=setting(credentials, "access_token"),
            phone_number_id=setting(credentials, "phone_number_id"),
            app_secret=setting(credentials, "app_secret"),
            verify_token=setting(credentials, "verify_token"),
            api_base_url=setting(credentials, "api_base_url") or DEFAULT_API_BASE,
        )

    def __init__(self, access_token: str, phone_number_id: str, app_secret: str, verify_token: str, api_base_url: str = DEFAULT_API_BASE) -> None:
        self.access_token, self.phone_number_id = access_token, phone_number_id
        self.app_secret, self.verify_token, self.api_base_url = app_secret, verify_token, api_base_url
        self.unset = list(missing({"access_token": access_token, "phone_number_id": phone_number_id, "app_secret": app_secret, "verify_token": verify_token}))
        if self.unset:
            logger.info("WhatsApp Cloud channel off (not configured: %s)", ", ".join(self.unset))
        self._output: Optional[WhatsAppCloudOutput] = None

    def get_output_channel(self) -> WhatsAppCloudOutput:
        if self._output is None:
            self._output = WhatsAppCloudOutput(self.access_token, self.phone_number_id, self.api_base_url)
        return self._output

    def messages(self, payload: Dict[str, Any]) -> List[Incoming]:
        found = []
        for entry in objects(payload.get("entry")):
            for change in objects(entry.get("changes")):
                for message in objects(obj(change.get("value")).get("messages")):
                    sender = message.get("from")
                    if not isinstance(sender, (str, int)) or isinstance(sender, bool) or str(sender) == "":
                        continue
                    found.append(Incoming(str(sender), self.text_of(message), message.get("id") if isinstance(message.get("id"), str) else None))
        return found

    @staticmethod
    def text_of(message: Dict[str, Any]) -> str:
        kind = message.get("type")
        if kind == "text":
            return sanitize(obj(message.get("text")).get("body"))
        if kind == "interactive":
            interactive = obj(message.get("interactive"))
            reply = obj(interactive.get("button_reply")) or obj(interactive.get("list_reply"))
            return sanitize(reply.get("id"))
        if kind == "location":  # search near it
            place = obj(message.get("location"))
            return location(place.get("latitude"), place.get("longitude"))
        return trigger(UNSUPPORTED_MESSAGE)  # image, audio, sticker, ...
