"""When a message asks the services to be open: "which ones are open on Saturday?" -> "sa".

The words per language are in opening_times.yml; the values are the directory's `open` parameter.
"""

import re
from functools import lru_cache
from pathlib import Path
from typing import List, Optional, Tuple

import yaml

from .locales import fragments
from .spoken_language import folded

DATA = Path(__file__).with_name("opening_times.yml")
ARABIC_SCRIPT_WORD = re.compile(r"[\u0600-\u06ff]")
# One-letter proclitics an Arabic word may carry: "بالسبت", "والجمعة".
PROCLITIC = "(?:[وبلفك])?"


def _pattern(word: str) -> "re.Pattern[str]":
    stem = word.endswith("*")
    text = re.escape(folded(word.rstrip("*")))
    prefix = PROCLITIC if ARABIC_SCRIPT_WORD.search(word) else ""
    return re.compile(rf"(?<!\w){prefix}{text}" + ("" if stem else r"(?!\w)"))


@lru_cache(maxsize=1)
def _patterns() -> List[Tuple[int, "re.Pattern[str]", str]]:
    """(length, pattern, value) of every language's words, longest first: "دوشنبه" wins over "شنبه"."""
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    found = [(len(word), _pattern(word), value) for words in data.values() for value, phrases in words.items() for word in phrases]
    return sorted(found, key=lambda item: -item[0])


def named_opening(text: str) -> Optional[str]:
    """The `open` value the message names (any of the six languages), None when it names none."""
    message = folded(text)
    for _length, pattern, value in _patterns():
        if pattern.search(message):
            return value
    return None


def opening_label(value: str, ui_language: str) -> str:
    """How the answer says it: "open on Saturday", in the conversation's language."""
    return fragments(ui_language)["open_when"][value]
