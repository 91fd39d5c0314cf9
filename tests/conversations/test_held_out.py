"""The held-out conversations stay held out and complete: no user turn is a training example, every
language has enough of them, and every expectation is one the runner knows."""

import re

import pytest
import yaml

import conversation_runner as evaluation
from servers import ROOT

MIN_CONVERSATIONS = 15
KNOWN = {"user", "fits", "not_fitting", "more_of_same", "says", "details_of"}


def normalised(text: str) -> str:
    return re.sub(r"\W+", " ", text.casefold()).strip()


def training_examples() -> set:
    examples = set()
    for path in (ROOT / "data").rglob("*.yml"):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []) or []:
            for line in str(block.get("examples", "")).splitlines():
                # "[doctor]{...}" and "[doctor](...)" annotations read as their text.
                text = re.sub(r"\[([^\]]+)\](\{[^}]*\}|\([^)]*\))", r"\1", line.lstrip("- ").strip())
                examples.add(normalised(text))
    return examples


def test_every_language_has_its_held_out_conversations(domain):
    languages = {c["value"] for v in domain["responses"]["utter_greet"] for c in v.get("condition") or []} | {"en"}
    assert set(evaluation.languages()) == languages


@pytest.mark.parametrize("language", evaluation.languages())
def test_conversations_are_held_out_and_well_formed(language, domain):
    conversations = evaluation.conversations(language)
    assert len(conversations) >= MIN_CONVERSATIONS, f"{language}: {len(conversations)} conversations"
    trained = training_examples()
    for conversation in conversations:
        assert len(conversation["turns"]) >= 2, conversation["name"]
        for turn in conversation["turns"]:
            assert set(turn) <= KNOWN and set(turn) - {"user"}, (conversation["name"], turn)
            assert normalised(turn["user"]) not in trained, f"trained on: {turn['user']}"
            said = turn.get("says")
            for name in [said] if isinstance(said, str) else said or []:
                assert name in domain["responses"], name
