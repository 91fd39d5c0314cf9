"""Anonymising an example phrasing of a message the assistant did not understand. The action server
scrubs before it reports (actions/unmet_needs.py) and the directory scrubs again whatever it receives
(directory/analytics/recording.py): one set of rules for both."""

import re
import unicodedata

EXAMPLE_MAX_CHARS = 200

_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)*")
_URL = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S*[^\s.,;:!?)'\"]|\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b(?:/\S*[^\s.,;:!?)'\"])?", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@\w[\w.]*")
# Any run of digits (all scripts: ۰-۹, ٠-٩ too) with the separators phone numbers and ids use.
_NUMBER = re.compile(r"\+?\d(?:[\d\s().\-/]*\d)?")
_SPACES = re.compile(r"\s+")


def scrub(text: str, limit: int = EXAMPLE_MAX_CHARS) -> str:
    """The message without numbers, e-mail addresses, links or @handles; spaces collapsed; capped."""
    text = _EMAIL.sub("[email]", text or "")
    text = _URL.sub("[link]", text)
    text = _HANDLE.sub("[handle]", text)
    text = _NUMBER.sub("[number]", text)
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)  # controls; keeps ZWNJ
    return _SPACES.sub(" ", text).strip()[:limit].rstrip()
