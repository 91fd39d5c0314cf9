"""The action server (or, for the few that need its tracker store, Rasa itself) serves every custom
action the domain names; the training data is valid."""

import subprocess
import sys

from rasa_sdk.executor import ActionExecutor

from bot.erasure import local_actions
from servers import ROOT


def test_every_domain_action_is_registered(domain):
    executor = ActionExecutor()
    executor.register_package("actions")
    custom = [a for a in domain["actions"] if not a.startswith("utter_")]
    assert custom, "the domain names no custom action"
    run_by_rasa = set(local_actions(lambda: None))
    assert run_by_rasa <= set(custom), "Rasa runs an action the domain does not name"
    missing = [name for name in custom if name not in run_by_rasa and executor.actions.get(name) is None]
    assert not missing, f"not registered in actions/: {missing}"


def test_every_intent_has_a_rule(domain):
    rules_text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "data" / "rules").glob("*.yml"))
    assert all(f"intent: {intent}" in rules_text for intent in domain["intents"])


def test_rasa_data_validate():
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "rasa"), "data", "validate", "--data", "data", "--domain", "domain.yml", "--config", "config.yml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"ACTION_SERVER_URL": "http://localhost:5055/webhook", "PATH": "/usr/bin:/bin", "HOME": str(ROOT)},
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_nlu_data_consistency():
    result = subprocess.run([sys.executable, "tests/nlu/check_nlu_data.py"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_entity_annotations_cover_whole_words():
    """An annotation inside a word (e.g. a clitic prefix attached) is silently dropped by Rasa."""
    from rasa.shared.nlu.training_data.loading import load_data

    bad = []
    for message in load_data(str(ROOT / "data" / "nlu")).training_examples:
        text = message.get("text")
        for entity in message.get("entities") or []:
            before = text[entity["start"] - 1] if entity["start"] > 0 else " "
            after = text[entity["end"]] if entity["end"] < len(text) else " "
            if before.isalnum() or after.isalnum():
                bad.append(text)
    assert not bad, bad[:10]
