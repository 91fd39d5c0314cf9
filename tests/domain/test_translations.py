"""Every reply exists in every supported language, and no reply text lives in Python."""

import ast

import yaml

from contracts import needs
from contracts.languages import DEFAULT_LANGUAGE, LANGUAGES, RIGHT_TO_LEFT
from servers import ROOT

ACTIONS_DIR = ROOT / "actions"


def language_of(variation):
    for condition in variation.get("condition") or []:
        if condition.get("name") == "language":
            return condition["value"]
    return None


def test_every_response_has_a_default_and_every_language(domain):
    missing = []
    for name, variations in domain["responses"].items():
        by_language = {}
        for variation in variations:
            by_language.setdefault(language_of(variation), []).append(variation)
        if not any((v.get("text") or "").strip() for v in by_language.get(None, [])):
            missing.append(f"{name}: no default (English) text")
        for language in LANGUAGES:
            if language == DEFAULT_LANGUAGE:
                continue
            if not any((v.get("text") or "").strip() for v in by_language.get(language, [])):
                missing.append(f"{name}: no '{language}' text")
    assert not missing, "\n".join(missing)


def test_translated_responses_use_the_same_placeholders(domain):
    import string

    def placeholders(text):
        return {field for _, field, _, _ in string.Formatter().parse(text) if field}

    for name, variations in domain["responses"].items():
        sets = {language_of(v): placeholders(v["text"]) for v in variations}
        assert len({frozenset(s) for s in sets.values()}) == 1, f"{name} has different placeholders per language: {sets}"


def flatten(data, prefix=""):
    if isinstance(data, dict):
        for key, value in data.items():
            yield from flatten(value, f"{prefix}{key}.")
    else:
        yield prefix.rstrip("."), data


def test_action_fragments_exist_in_every_language():
    reference = dict(flatten(yaml.safe_load((ACTIONS_DIR / "locales" / f"{DEFAULT_LANGUAGE}.yml").read_text(encoding="utf-8"))))
    for language in LANGUAGES:
        path = ACTIONS_DIR / "locales" / f"{language}.yml"
        assert path.exists(), f"missing {path}"
        fragments = dict(flatten(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert set(fragments) == set(reference), f"{language}: keys differ from en: {set(reference) ^ set(fragments)}"
        assert all(str(value).strip() for value in fragments.values()), f"{language}: empty fragment"


def test_actions_send_only_named_responses():
    """utter_message may only name a response (plus template values), never carry text."""
    offenders = []
    for path in ACTIONS_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "utter_message":
                keywords = {k.arg for k in node.keywords}
                if node.args or "text" in keywords or "response" not in keywords:
                    offenders.append(f"{path.name}:{node.lineno}")
    assert not offenders, f"user-facing text in Python: {offenders}"


def test_actions_name_only_existing_responses(domain):
    names = set()
    for path in ACTIONS_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("utter_") and not node.value.endswith("_"):
                names.add(node.value)
    names |= {needs.results_response(category) for category in needs.CATEGORIES}
    names -= {"utter_action"}  # Rasa's metadata key naming the response a bot message came from, not a response
    assert names - set(domain["responses"]) == set()


def test_right_to_left_replies_start_every_line_with_a_rtl_mark(domain):
    for name, variations in domain["responses"].items():
        for variation in variations:
            if language_of(variation) in RIGHT_TO_LEFT:
                lines = variation["text"].split("\n")
                assert all(line.startswith("\u200f") for line in lines), f"{name} ({language_of(variation)})"


def test_buttons_exist_in_every_language_with_the_same_payloads(domain):
    for name, variations in domain["responses"].items():
        payloads = {language_of(v): [b["payload"] for b in v.get("buttons", [])] for v in variations}
        assert len({tuple(p) for p in payloads.values()}) == 1, f"{name}: buttons differ between languages: {payloads}"
        for variation in variations:
            assert all(str(b.get("title", "")).strip() for b in variation.get("buttons", [])), name


def test_every_button_payload_gets_through_the_channels_guard(domain):
    """A tap on any button the assistant sends must reach Rasa as the intent it names, not as text."""
    from bot.channels.guard import sanitize

    payloads = {b["payload"] for variations in domain["responses"].values() for v in variations for b in v.get("buttons", [])}
    assert "/refine_open_now" in payloads
    blocked = sorted(p for p in payloads if sanitize(p) != p)
    assert not blocked, f"the guard turns these button payloads into text: {blocked}"
    unknown = sorted(p for p in payloads if p.lstrip("/") not in domain["intents"])
    assert not unknown, f"button payloads that name no intent: {unknown}"
