"""Language names in the six interface languages → ISO 639 codes, for the `language` parameter.

One home for the names: babel's CLDR data (installed with Django's i18n stack), read once at import.
Names are compared case- and accent-insensitively, so 'Tigrinya', 'tigriña' and 'TIGRINYA' all name 'ti'.
"""

import unicodedata
from functools import lru_cache

from babel import Locale
from contracts.languages import LANGUAGES

INTERFACE_LANGUAGES = LANGUAGES  # contracts/languages.yml


def folded(text: str) -> str:
    """Lower case without accents or Arabic-script diacritics, so spellings that differ only there match."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c) and c not in "\u200f\u200e")


@lru_cache(maxsize=1)
def names_table() -> dict:
    table = {}
    for locale in INTERFACE_LANGUAGES:
        for code, name in Locale(locale).languages.items():
            if "_" not in code:  # regional variants (en_GB) name no language the directory records separately
                table.setdefault(folded(name), code)
    return table


def code_for(raw: str):
    """The ISO 639 code `raw` names (a code itself or a name in one of the six languages), or None."""
    text = folded(raw)
    looks_like_code = text.isascii() and text.isalpha() and 2 <= len(text) <= 3
    if looks_like_code and text in known_codes():  # 'ga' is Irish, though Ga ('gaa') is also called so
        return text
    if text in names_table():
        return names_table()[text]
    # A code CLDR names no language for in these six ('prs', Dari, as imports record it).
    return text if looks_like_code else None


@lru_cache(maxsize=1)
def known_codes() -> frozenset:
    return frozenset(names_table().values())
