"""Anonymising example phrasings (no Django here: the tests load it directly). The action server
applies the same rules before sending (actions/unmet_needs.py); the directory applies them again."""
import re
import unicodedata

EXAMPLE_MAX_CHARS = 200

_EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)*")
_URL = re.compile(r"(?:\b[a-z][a-z0-9+.-]*://|\bwww\.)\S*[^\s.,;:!?)'\"]|\b(?:[a-z0-9-]+\.)+[a-z]{2,}\b(?:/\S*[^\s.,;:!?)'\"])?", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@\w[\w.]*")
_NUMBER = re.compile(r"\+?\d(?:[\d\s().\-/]*\d)?")
_SPACES = re.compile(r"\s+")


def scrub(text: str, limit: int = EXAMPLE_MAX_CHARS) -> str:
    """Same rules as the action server's (actions/unmet_needs.py), applied again here: numbers,
    e-mail addresses, links and @handles removed whatever the sender did."""
    text = _EMAIL.sub("[email]", text or "")
    text = _URL.sub("[link]", text)
    text = _HANDLE.sub("[handle]", text)
    text = _NUMBER.sub("[number]", text)
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)  # controls; keeps ZWNJ
    return _SPACES.sub(" ", text).strip()[:limit].rstrip()
