"""Facebook Messenger, replacing Rasa 3.6.21's connector, which compares a SHA-1 signature with
`==`, handles only the first message of a batch and posts to a hard-coded Graph URL with a
blocking client. Webhook checks as for every Meta webhook (bot/channels/meta.py)."""

import logging
from typing import Any, Dict, List, Optional, Text

from rasa.core.channels.channel import OutputChannel

from .common import OutboundHttp, missing, setting, split_text
from .guard import UNSUPPORTED_MESSAGE, location, sanitize, trigger
from .meta import Incoming, MetaWebhookInput, obj, objects

logger = logging.getLogger(__name__)
DEFAULT_API_BASE = "https://graph.facebook.com/v19.0"
MESSENGER_TEXT_LIMIT = 2000


class MessengerOutput(OutputChannel):
    def __init__(self, page_access_token: str, api_base_url: str) -> None:
        self.url = f"{api_base_url.rstrip('/')}/me/messages"
        self.headers = {"Authorization": f"Bearer {page_access_token}"}
        self.http = OutboundHttp()

    @classmethod
    def name(cls) -> Text:
        return "facebook"

    async def _send(self, recipient_id: Text, message: Dict[str, Any]) -> None:
        payload = {"recipient": {"id": recipient_id}, "messaging_type": "RESPONSE", "message": message}
        await self.http.post(self.url, "Messenger", json=payload, headers=self.headers)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for part in split_text(text, MESSENGER_TEXT_LIMIT):
            await self._send(recipient_id, {"text": part})

    async def send_text_with_buttons(self, recipient_id: Text, text: Text, buttons: List[Dict[Text, Any]], **kwargs: Any) -> None:
        parts = split_text(text, MESSENGER_TEXT_LIMIT)
        for part in parts[:-1]:
            await self._send(recipient_id, {"text": part})
        quick_replies = [{"content_type": "text", "title": b["title"][:20], "payload": b["payload"]} for b in buttons[:13]]
        await self._send(recipient_id, {"text": parts[-1], "quick_replies": quick_replies})


class VerifiedMessengerInput(MetaWebhookInput):
    @classmethod
    def name(cls) -> Text:
        return "facebook"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "VerifiedMessengerInput":
        return cls(
            page_access_token=setting(credentials, "page_access_token"),
            app_secret=setting(credentials, "app_secret"),
            verify_token=setting(credentials, "verify_token"),
            api_base_url=setting(credentials, "api_base_url") or DEFAULT_API_BASE,
        )

    def __init__(self, page_access_token: str, app_secret: str, verify_token: str, api_base_url: str = DEFAULT_API_BASE) -> None:
        self.page_access_token, self.app_secret, self.verify_token = page_access_token, app_secret, verify_token
        self.api_base_url = api_base_url
        self.unset = list(missing({"page_access_token": page_access_token, "app_secret": app_secret, "verify_token": verify_token}))
        if self.unset:
            logger.info("Messenger channel off (not configured: %s)", ", ".join(self.unset))
        self._output: Optional[MessengerOutput] = None

    def get_output_channel(self) -> MessengerOutput:
        if self._output is None:
            self._output = MessengerOutput(self.page_access_token, self.api_base_url)
        return self._output

    @staticmethod
    def shared_location(message: Dict[str, Any]) -> Optional[str]:
        """A location attachment (older Messenger apps still send them) as the internal location payload."""
        for attachment in objects(message.get("attachments")):
            if attachment.get("type") == "location":
                coordinates = obj(obj(attachment.get("payload")).get("coordinates"))
                return location(coordinates.get("lat"), coordinates.get("long"))
        return None

    def messages(self, payload: Dict[str, Any]) -> List[Incoming]:
        found = []
        for entry in objects(payload.get("entry")):
            for event in objects(entry.get("messaging")):
                sender = obj(event.get("sender")).get("id")
                message, postback = obj(event.get("message")), obj(event.get("postback"))
                if not isinstance(sender, (str, int)) or isinstance(sender, bool) or str(sender) == "" or message.get("is_echo"):
                    continue  # delivery/read receipts and the page's own messages
                text = self.text_of(event, message, postback)
                if text is not None:
                    mid = message.get("mid") or postback.get("mid")
                    found.append(Incoming(str(sender), text, mid if isinstance(mid, str) else None))
        return found

    def text_of(self, event: Dict[str, Any], message: Dict[str, Any], postback: Dict[str, Any]) -> Optional[str]:
        if "postback" in event:
            return sanitize(postback.get("payload"))
        if obj(message.get("quick_reply")):
            return sanitize(obj(message.get("quick_reply")).get("payload"))
        if message.get("text"):
            return sanitize(message["text"])
        if self.shared_location(message) is not None:
            return self.shared_location(message)
        if message:
            return trigger(UNSUPPORTED_MESSAGE)
        return None
