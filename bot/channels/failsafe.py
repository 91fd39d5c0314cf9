"""A reply even when Rasa cannot handle a message at all (e.g. its tracker store is unreachable).

Rasa would log the exception with the message text and send nothing. Every connector wraps the
handler it gives Rasa with `protect()`: the user gets `utter_something_went_wrong`, read from the
domain, in the language the widget asked for or the message is written in; the log names only the
kind of error.
"""

import asyncio
import logging
from functools import lru_cache
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Optional

import yaml
from rasa.core.channels.channel import UserMessage

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
RESPONSE = "utter_something_went_wrong"


@lru_cache(maxsize=1)
def apologies() -> Dict[str, str]:
    """The response's text per language (the unconditioned variant is the default language's)."""
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    texts = {}
    for variant in domain["responses"][RESPONSE]:
        condition = variant.get("condition") or [{}]
        texts[condition[0].get("value", "default")] = variant["text"]
    return texts


@lru_cache(maxsize=1)
def detector():
    from bot.nlu.language_detector import LanguageDetector

    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    settings = next(c for c in config["pipeline"] if c["name"].endswith("LanguageDetector"))
    return LanguageDetector({**LanguageDetector.get_default_config(), **{k: v for k, v in settings.items() if k != "name"}})


def language_of(message: UserMessage) -> Optional[str]:
    try:
        return detector().detect(message.text or "", message.metadata)
    except Exception:  # noqa: BLE001 - on this path any answer beats none
        return None


def apology(language: Optional[str]) -> str:
    texts = apologies()
    return texts.get(language or "", texts["default"])


def protect(on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Callable[[UserMessage], Awaitable[Any]]:
    async def handle(message: UserMessage) -> Any:
        turn = asyncio.ensure_future(on_new_message(message))
        try:
            # Shielded: a client that goes away (closed tab, the widget's 30 s abort, a proxy's timeout)
            # makes the server cancel this handler; the turn still completes and is saved, and the
            # cancellation stops here, because Rasa's connectors log the message text when they see it.
            return await asyncio.shield(turn)
        except asyncio.CancelledError:
            logger.info("A client went away before its answer; the turn completes without it.")
            return None
        except Exception as error:  # noqa: BLE001 - the user must get an answer whatever failed
            logger.error("A message could not be handled (%s); answering with %s.", type(error).__name__, RESPONSE)
            try:
                await message.output_channel.send_text_message(message.sender_id, apology(language_of(message)))
            except Exception as send_error:  # noqa: BLE001
                logger.error("The apology could not be sent either (%s).", type(send_error).__name__)
            return None

    return handle
