"""The crosswalk suggestions on held-out foreign terms (docs/crosswalk-evaluation.md): precise enough to be
applied without a person first, and terms that mean none of our needs mostly left alone."""

from pathlib import Path

import pytest

import django_harness

django_harness.setup()

from hsds.crosswalk import evaluation, suggestions  # noqa: E402

pytestmark = pytest.mark.usefixtures("admin_database")
HELD_OUT = Path(__file__).with_name("crosswalk_heldout.yml")


def test_suggestions_on_held_out_terms_stay_above_the_floor():
    terms = evaluation.load(HELD_OUT)
    assert len(terms) >= 80 and {t["source"] for t in terms} == {"airs", "open-eligibility", "city"}
    result = evaluation.measure(terms, with_codes=False, threshold=suggestions.threshold())
    assert result["mapped"] >= len(terms) // 3, result  # a threshold that maps nothing would be precise and useless
    assert result["precision"] >= evaluation.EXACT_FLOOR and result["area_precision"] >= evaluation.AREA_FLOOR, result
    assert result["none_left_unmapped"] >= 0.8 * result["none"], result
