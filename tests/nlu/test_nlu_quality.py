"""Understanding, measured: held-out accuracy per language and the main flows as story tests."""

import subprocess

import pytest

from bot import evaluation
from contracts import languages
from servers import MODEL, ROOT

pytestmark = pytest.mark.servers  # loads the trained model (make test trains it first)

MIN_MACRO_F1 = 0.90
# Share of held-out questions naming a sub-need (doctor, shelter, ...) that get exactly it. Arabic is
# lowest (0.68, docs/nlu-evaluation.md): most of its misses are a wrong category (employment taken for
# education), not a wrong sub-need. The floor holds what we have, not the goal (0.95).
MIN_SUB_NEED_ACCURACY = 0.65
LANGUAGES = sorted(p.stem for p in (ROOT / "tests" / "nlu").glob("*.yml"))


@pytest.fixture(scope="module")
def results():
    assert MODEL.exists(), "run `make model` first (make test does)"
    return evaluation.evaluate(MODEL, MIN_MACRO_F1, report=False)  # a test run leaves docs/ as it is


def test_every_language_has_a_held_out_set():
    assert set(LANGUAGES) == set(languages.LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_held_out_macro_f1(results, language):
    summary = results[language]
    errors = "\n".join(f"  {e['intent']} -> {e['predicted']}: {e['text']}" for e in summary["errors"][:15])
    assert summary["macro_f1"] >= MIN_MACRO_F1, f"{language}: macro-F1 {summary['macro_f1']:.3f}\n{errors}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_language_is_rarely_switched_wrongly(results, language):
    # A wrong switch answers in a language the user did not write; nothing detected keeps the conversation's.
    assert results[language]["language_wrong"] <= 0.05
    assert results[language]["language_detected"] >= 0.75


@pytest.mark.parametrize("language", LANGUAGES)
def test_named_sub_needs_are_recognised(results, language):
    summary = results[language]
    errors = "\n".join(f"  {e['need']} -> {e['predicted_need'] or 'none'}: {e['text']}" for e in summary["sub_need_errors"][:15])
    assert summary["sub_need_questions"] >= 20
    assert summary["sub_need_accuracy"] >= MIN_SUB_NEED_ACCURACY, f"{language}: {summary['sub_need_accuracy']:.3f}\n{errors}"


def test_plain_category_questions_mostly_get_no_sub_need(results):
    plain = [results[language] for language in LANGUAGES]
    total = sum(s["plain_questions"] for s in plain)
    right = sum(round(s["plain_without_sub_need"] * s["plain_questions"]) for s in plain if s["plain_questions"])
    assert total >= 20 and right / total >= 0.4, f"{right}/{total}"


def test_story_tests_in_every_language():
    stories = sorted(p.stem for p in (ROOT / "tests" / "stories").glob("test_*.yml"))
    assert stories == sorted(f"test_{lang}" for lang in LANGUAGES)
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "rasa"), "test", "core", "--model", str(MODEL), "--stories", "tests/stories", "--fail-on-prediction-errors", "--out", "var/story-results"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    failed = ROOT / "var" / "story-results" / "failed_test_stories.yml"
    detail = failed.read_text(encoding="utf-8") if failed.exists() else result.stdout[-3000:] + result.stderr[-3000:]
    assert result.returncode == 0, detail
