"""The assistant's languages (contracts/languages.yml): which, in what order, which is the default,
which are written right to left, and what a language code is called."""

from typing import Dict, FrozenSet, Tuple

from ._data import HERE, load

FILE = HERE / "languages.yml"
_DATA = load(FILE)

LANGUAGES: Tuple[str, ...] = tuple(_DATA["supported"])
DEFAULT_LANGUAGE: str = LANGUAGES[0]
RIGHT_TO_LEFT: FrozenSet[str] = frozenset(_DATA["right_to_left"])
# The English name of a code: the `name` of an HSDS language record (what a service is offered in).
RECORD_NAMES: Dict[str, str] = dict(_DATA["names"])
_STAFF_LABELS: Dict[str, str] = dict(_DATA["staff_labels"])


def record_name(code: str) -> str:
    """The name an HSDS language record carries for `code` (the code itself when unknown)."""
    return RECORD_NAMES.get(code, code)


def staff_label(code: str) -> str:
    """How the staff admin shows a code: "Persian (Farsi/Dari) (fa)", "Arabic (ar)", "xx (xx)"."""
    return f"{_STAFF_LABELS.get(code) or record_name(code)} ({code})"
