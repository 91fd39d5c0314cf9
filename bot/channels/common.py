"""Shared pieces of the messaging connectors: configuration, caller verification, outbound HTTP."""

import hashlib
import hmac
import logging
from typing import Any, Dict, Iterable, List, Optional

import aiohttp

logger = logging.getLogger(__name__)


def setting(credentials: Optional[Dict[str, Any]], key: str) -> str:
    """A credentials.yml value as a stripped string ('' when absent: the channel is then off)."""
    value = (credentials or {}).get(key)
    return str(value).strip() if value is not None else ""


def missing(values: Dict[str, str]) -> Iterable[str]:
    return [name for name, value in values.items() if not value]


def same_secret(expected: str, received: Optional[str]) -> bool:
    """Constant-time comparison; an unset expected secret never matches."""
    return bool(expected) and received is not None and hmac.compare_digest(expected.encode(), received.encode())


def hmac_sha256_hex(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def split_text(text: str, limit: int) -> List[str]:
    """Parts of at most `limit` characters, cut at paragraph, then line, then word boundaries."""
    if len(text) <= limit:
        return [text]
    parts: List[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[:limit]
        cut = max(window.rfind("\n\n"), window.rfind("\n"), window.rfind(" "))
        if cut <= 0:
            cut = limit
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        parts.append(rest)
    return parts


def numbered_menu(text: str, titles: List[str]) -> str:
    """Buttons for channels without buttons (SMS): "1. Work" lines; replying "1" picks it."""
    return text + "\n" + "\n".join(f"{number}. {title}" for number, title in enumerate(titles, start=1))


class OutboundHttp:
    """One aiohttp session per connector, created inside the server's running loop on first use
    (a session made in another loop is what breaks Rasa's own Telegram connector)."""

    def __init__(self, timeout_seconds: float = 10.0) -> None:
        self.timeout = aiohttp.ClientTimeout(total=timeout_seconds)
        self._session: Optional[aiohttp.ClientSession] = None

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self.timeout)
        return self._session

    async def post(self, url: str, channel: str, **kwargs: Any) -> None:
        async with self.session.post(url, **kwargs) as reply:
            if reply.status >= 300:
                # The provider's error, never the message text.
                logger.error("%s API answered HTTP %s", channel, reply.status)
