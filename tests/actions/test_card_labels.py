"""A service card's labels are the same words on messaging channels (text card) and in the web widget."""

import json
from pathlib import Path

import pytest
import yaml

from actions.service_card import card_values

ROOT = Path(__file__).resolve().parents[2]
WIDGET_WORDS = json.loads((ROOT / "widget" / "i18n.json").read_text(encoding="utf-8"))
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
# Labels both renderings show, by the widget's key.
SHARED_LABELS = ["address", "opening_hours", "phone", "languages_spoken", "what_to_bring"]
SERVICE = {
    "name": "Welcome Centre",
    "service_at_locations": [{"location": {"addresses": [{"address_1": "1 Main St", "city": "Springfield"}]}}],
    "schedules": [{"byday": "MO,TU,WE", "opens_at": "09:00", "closes_at": "17:00"}],
    "phones": [{"number": "+41 44 000 00 00"}],
    "languages": [{"code": "en"}],
    "required_documents": [{"document": "ID"}],
}


def text_cards():
    for variation in DOMAIN["responses"]["utter_service_card"]:
        conditions = variation.get("condition") or []
        language = next((c["value"] for c in conditions if c.get("name") == "language"), "en")
        yield language, variation["text"]


@pytest.mark.parametrize("language,template", list(text_cards()), ids=lambda v: v if len(v) == 2 else "")
def test_text_card_labels_are_the_widget_labels(language, template):
    card = template.format(**card_values(SERVICE, language))
    labels = [line.lstrip("\u200f").split(":")[0].rstrip() for line in card.splitlines()[1:]]
    assert labels == [WIDGET_WORDS[language][key] for key in SHARED_LABELS]


def test_every_language_has_a_text_card():
    assert sorted(language for language, _ in text_cards()) == sorted(WIDGET_WORDS)
