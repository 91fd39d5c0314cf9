"""The city's neighbourhoods as the directory names them (GET /regions), and finding one in a message.

Read at most once a minute, so a name staff add to an address is understood without retraining. A name
is found as whole words, in any letter case and with accents folded ("¿hay algo en eastgate?").
"""
import asyncio
import logging
import time
from typing import Dict, List, Optional

from .directory_client import DirectoryUnavailable
from .services import directory
from .unmet_needs import mentioned_neighbourhood

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 60.0
_cache: Dict[str, object] = {"at": -REFRESH_SECONDS, "names": []}
async def known_regions() -> List[str]:
    """The directory's neighbourhoods, cached for a minute; the last known list while it is unreachable."""
    if time.monotonic() - float(_cache["at"]) >= REFRESH_SECONDS:
        try:
            _cache["names"] = await asyncio.to_thread(directory().regions)
            _cache["at"] = time.monotonic()
        except DirectoryUnavailable as error:
            logger.warning("regions unavailable: %s", error)
    return list(_cache["names"])


def named_region(text: str, regions: List[str]) -> Optional[str]:
    """The neighbourhood the message names, as the directory spells it (the matcher the unmet-need
    reports use: whole words, any case or accents, the longest name first)."""
    return mentioned_neighbourhood(text, regions) or None
