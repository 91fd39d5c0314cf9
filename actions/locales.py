"""Translated fragments (day names, language names, ...) from actions/locales/<lang>.yml."""

from functools import lru_cache
from pathlib import Path
from typing import Any, Dict

import yaml

from contracts.languages import DEFAULT_LANGUAGE

LOCALES_DIR = Path(__file__).with_name("locales")


@lru_cache(maxsize=None)
def available() -> Dict[str, Dict[str, Any]]:
    return {path.stem: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(LOCALES_DIR.glob("*.yml"))}


def fragments(language: str) -> Dict[str, Any]:
    locales = available()
    return locales.get(language) or locales[DEFAULT_LANGUAGE]
