"""The language detector component on its own (no trained model needed)."""

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.language_detector import LanguageDetector
from servers import ROOT


@pytest.fixture(scope="module")
def detector():
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    settings = next(c for c in config["pipeline"] if c["name"].endswith("LanguageDetector"))
    return LanguageDetector({**LanguageDetector.get_default_config(), "languages": settings["languages"]})


@pytest.mark.parametrize(
    "text,language",
    [
        ("I need to see a doctor", "en"),
        ("hello", "en"),
        ("hi", "en"),
        ("Necesito ver a un médico", "es"),
        ("hola", "es"),
        ("j'ai besoin d'un logement", "fr"),
        ("merci", "fr"),
        ("أحتاج إلى طبيب", "ar"),
        ("شكرا", "ar"),
        ("به دکتر نیاز دارم", "fa"),
        ("ممنونم", "fa"),
        ("мені потрібен лікар", "uk"),
        ("дякую", "uk"),
        # Service and neighbourhood names in Latin letters inside an Arabic, Persian or Ukrainian message.
        ("احكيلي عن Newcomer Job Desk", "ar"),
        ("درباره Community Dental Clinic بیشتر بگو", "fa"),
        ("а щось є в Eastgate або Old Harbour?", "uk"),
        ("بدي اعرف اذا في دكتور قريب من University Quarter", "ar"),
    ],
)
def test_detects_the_language(detector, text, language):
    assert detector.detect(text) == language


@pytest.mark.parametrize("text", ["ok", "112", "👍👍", "", "   ", "سلام", "+44 20 7946 0000"])
def test_keeps_the_conversation_language_when_unsure(detector, text):
    assert detector.detect(text) is None


def test_metadata_language_wins(detector):
    assert detector.detect("hello", {"language": "uk"}) == "uk"
    assert detector.detect("hello", {"language": "klingon"}) == "en"
    assert detector.detect("hello", ["not", "a", "dict"]) == "en"


@pytest.mark.parametrize(
    "text,language",
    [
        ("in English please", "en"),
        ("can you speak arabic", "ar"),
        ("بالعربي لو سمحت", "ar"),
        ("en español por favor", "es"),
        ("можна українською?", "uk"),
        ("فارسی صحبت کن", "fa"),
        ("dari please", "fa"),
        ("parlez-vous français", "fr"),
        # Two languages named: the wish comes last (the same whatever the process's hash seed).
        ("не знаю англійської, пиши українською", "uk"),
        ("no entiendo inglés, en español por favor", "es"),
        ("I can't read English, Arabic please", "ar"),
    ],
)
def test_a_request_to_change_language_names_the_new_one(detector, text, language):
    assert detector.detect(text, intent="change_language") == language


def test_process_adds_a_language_entity_only_when_known(detector):
    known, unknown = Message(data={"text": "Necesito ayuda con la vivienda"}), Message(data={"text": "ok"})
    detector.process([known, unknown])
    assert [e["value"] for e in known.get("entities") if e["entity"] == "language"] == ["es"]
    assert not unknown.get("entities")
