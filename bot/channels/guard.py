"""What every channel does to a user's text before Rasa sees it.

- A leading "/" would let a user trigger any intent with any entities ("/restart",
  '/inform{"slot": ...}'), bypassing NLU: it is removed.
- Very long messages are not understood better, only slower (and gibberish scores as a confident
  intent): they are answered with a localized request to write less.
- Messages with no text (a photo, a sticker, invisible characters) get a localized answer
  that only text is understood.
The two answers are internal intents, triggered by the channel itself (never by the user).
Button payloads are the one exception to the "/" rule: exactly "/<intent>" for the public
intents our buttons carry (no entities), which is what a click on such a button sends anyway.
"""
import os
import re
import unicodedata
from typing import Any, Optional

MAX_MESSAGE_CHARACTERS = int(os.environ.get("MAX_MESSAGE_CHARACTERS", "1000"))

# Internal intents: set by channels only; they have rules and responses but no training examples.
MESSAGE_TOO_LONG = "message_too_long"
UNSUPPORTED_MESSAGE = "unsupported_message"
INTERNAL_INTENTS = (MESSAGE_TOO_LONG, UNSUPPORTED_MESSAGE)

# What our buttons send (domain.yml): harmless, entity-free intents a user may choose directly.
BUTTON_PAYLOADS = frozenset(f"/{intent}" for intent in ("find_employment", "find_education", "find_health", "find_housing", "emergency"))

# Control characters, and lone UTF-16 surrogates (valid in JSON as "\ud800", but not text: they
# made the NLU pipeline fail and the user got no reply at all).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def trigger(intent: str) -> str:
    return f"/{intent}"


def sanitize(text: Any) -> str:
    """The text to hand to Rasa for what a user sent: cleaned text or an internal trigger."""
    if not isinstance(text, str):
        return trigger(UNSUPPORTED_MESSAGE)
    cleaned = _CONTROL.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if cleaned in BUTTON_PAYLOADS:
        return cleaned
    if len(cleaned) > MAX_MESSAGE_CHARACTERS:
        return trigger(MESSAGE_TOO_LONG)
    while cleaned.startswith("/"):  # "/ /restart" must not become "/restart"
        cleaned = cleaned.lstrip("/").strip()
    visible = [ch for ch in cleaned if not unicodedata.category(ch).startswith(("Z", "C"))]
    if not visible:
        return trigger(UNSUPPORTED_MESSAGE)
    return cleaned


def sanitize_optional(text: Optional[Any]) -> str:
    return sanitize(text if text is not None else "")
