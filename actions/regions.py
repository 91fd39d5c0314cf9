"""The city's neighbourhoods as the directory names them (GET /regions, with the other names staff added)
and its postal codes, and finding one in a message.

Read at most once a minute, so a name staff add to an address is understood without retraining. A name
is found as whole words, in any letter case and with accents folded ("¿hay algo en eastgate?").
"""

import asyncio
import logging
import re
import time
from typing import Dict, List, Optional

from .directory_client import DirectoryUnavailable
from .services import directory
from .unmet_needs import mentioned_neighbourhood

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 60.0
_cache: Dict[str, Dict[str, object]] = {}


async def _cached(what: str, read, empty):
    """What `read` returns, read at most once a minute; the last known while the directory is unreachable."""
    entry = _cache.setdefault(what, {"at": -REFRESH_SECONDS, "value": empty})
    if time.monotonic() - float(entry["at"]) >= REFRESH_SECONDS:
        try:
            entry["value"] = await asyncio.to_thread(read)
            entry["at"] = time.monotonic()
        except DirectoryUnavailable as error:
            logger.warning("%s unavailable: %s", what, error)
    return entry["value"]


async def known_regions() -> Dict[str, str]:
    """{name: neighbourhood} of the directory's neighbourhoods and the other names staff added for them."""
    return dict((await _cached("regions", directory().places, ({}, [])))[0])


async def known_postal_codes() -> List[str]:
    return list((await _cached("regions", directory().places, ({}, [])))[1])


def named_region(text: str, regions: Dict[str, str]) -> Optional[str]:
    """The neighbourhood the message names, by its own or another name, as the directory spells it (the
    matcher the unmet-need reports use: whole words, any case or accents, the longest name first)."""
    return regions.get(mentioned_neighbourhood(text, regions)) or None


def _shape(code: str) -> str:
    """A pattern for codes written like this one: letters for letters, digits for digits, a space or
    hyphen (or none) between the parts ("PM-1004" → two capitals, a separator, four digits)."""
    parts = re.findall(r"[A-Za-z]+|\d+", code)
    return r"[\s-]?".join(("[A-Z]" if part.isalpha() else r"\d") + "{%d}" % len(part) for part in parts)


def named_postal_code(text: str, known: List[str]) -> Optional[str]:
    """The postal code the message names, as the directory writes it when it knows the code ("pm 1004" →
    "PM-1004"), else as a code of the same shape and first letters as one of the city's ("PM-1099": then no
    service is there; "in 2025" is a year, not the code "IN 2025")."""
    if not known:
        return None
    message = (text or "").upper()
    compact = {re.sub(r"[\s-]", "", code.upper()): code for code in known}
    prefixes = {re.match(r"[A-Z]*", code).group(0) for code in compact}
    for shape in sorted({_shape(code) for code in known}, key=len, reverse=True):
        for found in re.finditer(rf"(?<![\w-])({shape})(?![\w-])", message):
            written = re.sub(r"[\s-]", "", found.group(1))
            if written in compact:
                return compact[written]
            if re.match(r"[A-Z]*", written).group(0) in prefixes:
                return " ".join(found.group(1).split())
    return None
