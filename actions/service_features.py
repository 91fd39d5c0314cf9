"""Which features of the services a message asks for: free of charge ("only the free ones", "ببلاش") and
no appointment needed ("without booking", "sans rendez-vous"), as the directory's parameters
(`free=true`, `walk_in=true`); and who may use them ("without insurance", "للنساء"), as its `eligibility`
groups. The words per language are in `service_features.yml` and `eligibility.yml`."""

import re
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Tuple

import yaml

from .spoken_language import ARABIC_PREFIXES, LATIN, folded

FEATURES = Path(__file__).with_name("service_features.yml")
ELIGIBILITY = Path(__file__).with_name("eligibility.yml")


@lru_cache(maxsize=None)
def _phrases(path: Path) -> Dict[str, Tuple[str, ...]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {key: tuple({folded(p) for words in by_language.values() for p in words}) for key, by_language in data.items()}


def _keys_named(text: str, path: Path) -> List[str]:
    message = folded(text)
    return [key for key, phrases in _phrases(path).items() if any(_found(message, p) for p in phrases)]


def named_features(text: str) -> Dict[str, str]:
    """{parameter: "true"} for each feature the message names, in any of the six languages."""
    return {parameter: "true" for parameter in _keys_named(text, FEATURES)}


def named_eligibility(text: str) -> str:
    """The directory's `eligibility` value for the groups the message names ("children,uninsured"), or ""."""
    return ",".join(sorted(_keys_named(text, ELIGIBILITY)))


@lru_cache(maxsize=None)
def _whole_words(phrase: str) -> "re.Pattern[str]":
    """Compiled once: every phrase of every language is tried on each message, more than `re`'s cache holds."""
    return re.compile(rf"(?<![\w']){re.escape(phrase)}(?![\w'])")


def _found(message: str, phrase: str) -> bool:
    if LATIN.search(phrase):  # Latin script: whole words ("free", not "freedom")
        return _whole_words(phrase).search(message) is not None
    # Cyrillic and Arabic script inflect: the phrase starts a word (after an Arabic-script prefix such as
    # "ال" or "ب") and the word may go on ("безкоштовні", "رایگانه", "المجانية").
    start = message.find(phrase)
    while start != -1:
        if message[:start].rsplit(" ", 1)[-1] in ARABIC_PREFIXES:
            return True
        start = message.find(phrase, start + len(phrase))
    return False
