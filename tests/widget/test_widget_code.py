"""The widget's code: its words come only from i18n.json, and its node unit tests (hours, formatting) pass."""

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
WIDGET = ROOT / "widget"
I18N = json.loads((WIDGET / "i18n.json").read_text(encoding="utf-8"))
FALLBACK = WIDGET / "modules" / "fallback_words.js"
CODE = [WIDGET / "chat.js"] + sorted(p for p in (WIDGET / "modules").glob("*.js") if p != FALLBACK)
# Literals a reader may see that are not translations: each language's own name in the language picker.
ENDONYMS = {"English", "Español", "Français", "العربية", "Українська", "فارسی"}
# Literals that look like words but no reader sees: HTTP header names and developer-facing error texts.
NOT_SHOWN = {"Content-Type", "Content-Language", "Rasa answered ", "unexpected reply"}
STRING = re.compile(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'')


def code_without_comments(path: Path) -> str:
    text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
    return re.sub(r"(^|[^:\\])//.*", r"\1", text)


def literals(path: Path):
    for match in STRING.finditer(code_without_comments(path)):
        yield match.group(1) if match.group(1) is not None else match.group(2)


def looks_like_words(literal: str) -> bool:
    """A capitalised word, three words in a row, or any non-Latin letter: text for a reader."""
    return bool(re.search(r"\b[A-Z][a-z]+\b|[a-z]+ [a-z]+ [a-z]+|[^\x00-\x7f]", literal)) and not re.fullmatch(r"[\s–\-]*", literal)


@pytest.mark.parametrize("path", CODE, ids=lambda p: p.name)
def test_the_code_holds_no_words_for_readers(path):
    words = [s for s in literals(path) if looks_like_words(s) and s not in ENDONYMS | NOT_SHOWN]
    assert words == [], f"{path.name}: put these in widget/i18n.json"


def test_the_literal_check_catches_an_english_label():
    assert looks_like_words("Opening hours") and looks_like_words("Закрито") and looks_like_words("call us now")
    assert not looks_like_words("nc-button nc-quick-reply") and not looks_like_words("–")


def used_keys() -> set:
    keys = set()
    for path in CODE:
        code = code_without_comments(path)
        for call in re.finditer(r"\bt\(([^()]*(?:\([^()]*\))?[^()]*?),\s*(?:ui|lang|uiLanguage\(\))\)", code):
            keys.update(m.group(1) for m in re.finditer(r"(?<!=== )\"([a-z_]+)\"", call.group(1)))  # not the operand of a comparison
        keys.update(re.findall(r'notice: "([a-z_]+)"', code))
    return keys


def test_the_code_uses_keys():
    assert {"title", "send", "open_now", "closed_now", "error_unreachable", "location_denied", "deleted"} <= used_keys()


@pytest.mark.parametrize("language", sorted(I18N))
def test_every_key_the_code_uses_is_in_every_language(language):
    assert sorted(used_keys() - set(I18N[language])) == []


def test_the_english_fallback_is_exactly_the_english_of_i18n_json():
    """Used only when i18n.json cannot be loaded; a copy, so it must not drift."""
    entries = dict(re.findall(r'^  (\w+): ("(?:[^"\\]|\\.)*"),?$', FALLBACK.read_text(encoding="utf-8"), flags=re.M))
    assert {key: json.loads(value) for key, value in entries.items()} == I18N["en"]


def test_hours_and_formatting_unit_tests_pass_in_node():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (make test installs it with the browser packages)")
    result = subprocess.run([node, "--test", "widget/tests/"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    passed = int(re.search(r"^# pass (\d+)$", result.stdout, flags=re.M).group(1))
    assert passed >= 15 and re.search(r"^# fail 0$", result.stdout, flags=re.M)
