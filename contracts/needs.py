"""The needs the assistant understands, read from their one definition: the `newcomer-needs` taxonomy
of the directory (directory/hsds/taxonomy/newcomer_needs.yml). Its top-level codes are the categories,
their children the sub-needs (the values of the NLU's `need` entity); the directory loads the same file
as its taxonomy, so a code the bot sends is a term the API knows (`taxonomy_term_id=<code>`).

The bot's names for a need are derived here and nowhere else: the intent that asks for a category and
the response that introduces its services. tests/test_contracts.py checks domain.yml has them."""

from typing import Dict, FrozenSet, Optional, Tuple

from ._data import PROJECT_ROOT, load

TAXONOMY_FILE = PROJECT_ROOT / "directory" / "hsds" / "taxonomy" / "newcomer_needs.yml"
TAXONOMY_KEY = "newcomer-needs"
# A category is asked for by the intent find_<code>; these are intents of their own (their rules answer
# with the emergency number before any lookup: data/rules/).
OWN_INTENT = frozenset({"emergency"})

_TERMS = next(t for t in load(TAXONOMY_FILE)["taxonomies"] if t["key"] == TAXONOMY_KEY)["terms"]

CATEGORIES: Tuple[str, ...] = tuple(term["code"] for term in _TERMS)
SUB_NEEDS: Dict[str, Tuple[str, ...]] = {term["code"]: tuple(c["code"] for c in term.get("children") or []) for term in _TERMS}
ALL_SUB_NEEDS: FrozenSet[str] = frozenset(code for codes in SUB_NEEDS.values() for code in codes)


def intent(category: str) -> str:
    """The intent that asks for `category`: find_health, ..., emergency."""
    return category if category in OWN_INTENT else f"find_{category}"


def results_response(category: str) -> str:
    """The response that introduces the services found for `category`."""
    return f"utter_results_{category}"


CATEGORY_OF_INTENT: Dict[str, str] = {intent(category): category for category in CATEGORIES}


def category_of_intent(name: str) -> Optional[str]:
    return CATEGORY_OF_INTENT.get(name)


def is_sub_need(category: str, code: object) -> bool:
    """Whether `code` is one of the child terms of `category` (e.g. health-dentist of health)."""
    return isinstance(code, str) and code in SUB_NEEDS.get(category, ())
