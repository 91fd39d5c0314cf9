"""Which language a message names as spoken at a service: "any that speak Tigrinya?" -> "ti".

Any language CLDR knows, named in any of the six interface languages (babel's names, so
"Tigrinya", "tigriña", "التغرينية" and "тигринья" all work), plus the colloquial spellings in
`spoken_languages.yml`. Arabic and Ukrainian inflect names ("بالتركي", "арабською"), so names are
compared by their stems. "My language" is the conversation's language.
"""

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional

import yaml
from babel import Locale

from contracts.languages import LANGUAGES

from . import locales

INTERFACE_LANGUAGES = LANGUAGES  # contracts/languages.yml
DATA = Path(__file__).with_name("spoken_languages.yml")
MINIMUM_STEM = 4
ARABIC_SCRIPT_NAME = re.compile(r"[\u0600-\u06ff]")  # shorter stems ("ewe", "ga") would match inside ordinary words
ARABIC_SCRIPT = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ي": "ی", "ك": "ک", "ة": "ه", "\u200c": " "})


def folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(ARABIC_SCRIPT))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'").replace("ʼ", "'").split())


def stem(name: str) -> str:
    """The part of a name that its inflected forms share: التركیه -> ترکی, арабська -> арабськ."""
    word = folded(name)
    if re.search(r"[\u0600-\u06ff]", word):
        word = re.sub(r"^(ال)", "", word)
        word = re.sub(r"(یه|ه)$", "", word)
    elif re.search(r"[\u0400-\u04ff]", word):
        word = re.sub(r"(а|я|і|и)$", "", word)
    return word


@lru_cache(maxsize=1)
def _stems() -> Dict[str, str]:
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    stems: Dict[str, str] = {}
    for interface in reversed(INTERFACE_LANGUAGES):  # English last: its spelling wins a clash
        for code, name in Locale.parse(interface).languages.items():
            # Two-letter (ISO 639-1) codes only: the long tail's names include ordinary words
            # ("moré", Mossi, is French for "more"); Dari and the like come in as aliases.
            if re.fullmatch(r"[a-z]{2}", code) and len(stem(name)) >= MINIMUM_STEM:
                stems[stem(name)] = code
    # What a card shows, the user can ask for back ("تیگرینیا" where CLDR writes "تیگرینیایی").
    for interface in INTERFACE_LANGUAGES:
        for code, label in locales.fragments(interface)["languages"].items():
            for name in re.split(r"\s*[()]\s*", label):
                if name:
                    stems.setdefault(_key(name), code)
    stems.update({stem(name): code for name, code in data["aliases"].items()})
    return stems


def _key(name: str) -> str:
    """The stem, unless it is too short to be safe ("الأردية" -> "ارد"): then the whole folded name."""
    return stem(name) if len(stem(name)) >= MINIMUM_STEM else folded(name)


@lru_cache(maxsize=1)
def _my_language() -> tuple:
    return tuple(folded(p) for p in yaml.safe_load(DATA.read_text(encoding="utf-8"))["my_language"])


def named_language(text: str, conversation_language: str) -> Optional[str]:
    """The ISO 639 code of the language the message names; the longest name wins ("haitian creole")."""
    message = folded(text)
    if any(phrase in message for phrase in _my_language()):
        return conversation_language
    found = [(len(s), code) for s, code in _stems().items() if _contains(message, s)]
    return max(found)[1] if found else None


# Arabic script writes a preposition or article onto the word ("بالتركي", "للعربية") and an adjective
# ending after it ("تیگرینیایی"): a word names a language when, without one of these prefixes, it
# starts with the name's stem and at most MAX_ENDING letters follow ("للتدريب" is not Dari, "دری").
ARABIC_PREFIXES = ("", "و", "ف", "ب", "ل", "ک", "ال", "بال", "لل", "وال", "فال", "کال", "وب", "ول", "وبال", "ولل")
MAX_ENDING = 3


LATIN = re.compile(r"[a-z]")


@lru_cache(maxsize=None)
def _whole_word(name_stem: str) -> "re.Pattern[str]":
    """Compiled once: hundreds of names are tried on every message, more than `re`'s own cache holds."""
    return re.compile(rf"(?<![a-z]){re.escape(name_stem)}(?![a-z])")


def _contains(message: str, name_stem: str) -> bool:
    if LATIN.search(name_stem):  # Latin script: whole words ("tamil", not "tamilnadu")
        return _whole_word(name_stem).search(message) is not None
    if " " in name_stem or not ARABIC_SCRIPT_NAME.search(name_stem):  # several words, Cyrillic: as written
        return name_stem in message
    for word in re.findall(r"[\w\u0600-\u06ff]+", message):
        for prefix in ARABIC_PREFIXES:
            if word.startswith(prefix + name_stem) and len(word) - len(prefix + name_stem) <= MAX_ENDING:
                return True
    return False
