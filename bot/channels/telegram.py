"""Telegram, with the secret-token check Telegram offers and without Rasa 3.6.21's loop fault.

Rasa's connector answers 500 to every update (its aiogram session was created in a throwaway
event loop by set_webhook at start-up) and checks no secret. This connector makes no call at
start-up, verifies `X-Telegram-Bot-Api-Secret-Token` on every update, and sends replies through
aiogram in the server's own loop. Registering the webhook (with the secret) is one POST to
/webhooks/telegram/set_webhook with `Authorization: Bearer <secret token>` (the curl command in the
README). An update Telegram delivers again is answered once (bot/channels/redelivery.py).
"""

import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from aiogram import Bot
from aiogram.bot.api import TELEGRAM_PRODUCTION, TelegramAPIServer
from aiogram.types import Update
from rasa.core.channels.channel import UserMessage
from rasa.core.channels.telegram import TelegramOutput
from sanic import Blueprint, response
from sanic.request import Request

from .common import missing, same_secret, setting, split_text
from .base import SafeInputChannel
from .guard import UNSUPPORTED_MESSAGE, location, sanitize, trigger
from .redelivery import first_delivery

logger = logging.getLogger(__name__)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
TELEGRAM_TEXT_LIMIT = 4096


class ConfigurableTelegramOutput(TelegramOutput):
    """Rasa's Telegram output with a configurable Bot API server (a local Bot API server or a test double)."""

    def __init__(self, access_token: Text, api_base_url: str = "") -> None:
        server = TelegramAPIServer.from_base(api_base_url.rstrip("/")) if api_base_url else TELEGRAM_PRODUCTION
        Bot.__init__(self, access_token, server=server)

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        for part in split_text(text, TELEGRAM_TEXT_LIMIT):
            await self.send_message(recipient_id, part)

    # Buttons: Rasa's send_text_with_buttons renders an inline keyboard whose callback data is the
    # payload; callback queries come back through the webhook below.


class VerifiedTelegramInput(SafeInputChannel):
    @classmethod
    def name(cls) -> Text:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "VerifiedTelegramInput":
        return cls(
            access_token=setting(credentials, "access_token"),
            secret_token=setting(credentials, "secret_token"),
            webhook_url=setting(credentials, "webhook_url"),
            api_base_url=setting(credentials, "api_base_url"),
        )

    def __init__(self, access_token: str, secret_token: str, webhook_url: str = "", api_base_url: str = "") -> None:
        self.access_token, self.secret_token = access_token, secret_token
        self.webhook_url, self.api_base_url = webhook_url, api_base_url
        self.unset = list(missing({"access_token": access_token, "secret_token": secret_token}))
        if self.unset:
            logger.info("Telegram channel off (not configured: %s)", ", ".join(self.unset))
        self._output: Optional[ConfigurableTelegramOutput] = None

    def get_output_channel(self) -> ConfigurableTelegramOutput:
        if self._output is None:
            self._output = ConfigurableTelegramOutput(self.access_token, self.api_base_url)
        return self._output

    @staticmethod
    def _text_and_chat(update: Update):
        """(what to hand to Rasa, chat id); (None, None) for updates that are not a user's message."""
        if update.callback_query is not None and update.callback_query.message is not None:
            return sanitize(update.callback_query.data), update.callback_query.message.chat.id
        if update.edited_message is not None and update.edited_message.location is not None:
            return None, None  # a live location moving: one search when it was shared is enough
        message = update.message or update.edited_message
        if message is None:
            return None, None
        if message.location is not None:  # a location or a venue: search near it
            return location(message.location.latitude, message.location.longitude), message.chat.id
        return (sanitize(message.text) if message.text is not None else trigger(UNSUPPORTED_MESSAGE)), message.chat.id

    async def acknowledge(self, callback_query_id: str) -> None:
        """Stops the spinner on a tapped button; the tap is answered even when this fails."""
        try:
            await self.get_output_channel().answer_callback_query(callback_query_id)
        except Exception as error:  # noqa: BLE001 - e.g. a query older than Telegram's limit
            logger.warning("Telegram callback query not acknowledged (%s)", type(error).__name__)

    def routes(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram = Blueprint("telegram_webhook", __name__)

        @telegram.route("/", methods=["GET"])
        async def health(_: Request):
            return response.json({"status": "ok" if not self.unset else "not configured"})

        @telegram.route("/set_webhook", methods=["POST"])
        async def set_webhook(request: Request):
            if self.unset or not self.webhook_url:
                return response.json({"error": "not configured"}, status=503)
            # Whoever may point the bot's webhook elsewhere holds the secret the webhook checks.
            if not same_secret(f"Bearer {self.secret_token}", request.headers.get("Authorization")):
                logger.warning("Telegram set_webhook refused: missing or wrong secret token")
                return response.json({"error": "forbidden"}, status=403)
            try:
                await self.get_output_channel().request("setWebhook", {"url": self.webhook_url, "secret_token": self.secret_token, "allowed_updates": '["message","edited_message","callback_query"]'})
            except Exception as error:  # noqa: BLE001 - Telegram's refusal, reported without its details
                logger.error("Telegram refused or did not answer setWebhook (%s)", type(error).__name__)
                return response.json({"error": "Telegram did not accept the webhook"}, status=502)
            return response.json({"status": "webhook set"})

        @telegram.route("/webhook", methods=["POST"])
        async def webhook(request: Request):
            if self.unset:
                return response.json({"error": "not configured"}, status=503)
            if not same_secret(self.secret_token, request.headers.get(SECRET_HEADER)):
                logger.warning("Telegram update refused: missing or wrong secret token")
                return response.json({"error": "forbidden"}, status=403)
            payload = request.json
            if not isinstance(payload, dict):
                return response.json({"error": "bad request"}, status=400)
            try:
                update = Update(**payload)
                text, chat_id = self._text_and_chat(update)
            except Exception:  # noqa: BLE001 - a malformed update is the caller's problem
                return response.json({"error": "bad request"}, status=400)
            if not await first_delivery(self.name(), update.update_id):
                return response.text("success")  # answered when it first came
            if update.callback_query is not None:
                await self.acknowledge(update.callback_query.id)
            if chat_id is None:
                return response.text("ignored")  # e.g. channel posts, member updates
            await on_new_message(UserMessage(text, self.get_output_channel(), str(chat_id), input_channel=self.name()))
            return response.text("success")

        return telegram
