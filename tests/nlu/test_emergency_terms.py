"""The emergency safety net on its own (no trained model): messages that name an emergency become
`emergency` whatever the classifier said, in every language; nothing else does."""

from pathlib import Path

import pytest
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.emergency_terms import EmergencyTerms, names_an_emergency

ROOT = Path(__file__).resolve().parents[2]

# Written for this test (not from the training or held-out sets), with the spelling people use in a hurry.
EMERGENCIES = [
    "please send an AMBULANCE to the station",
    "my dad is not breathing",
    "there is a fire in the stairwell",
    "my son swallowed a battery",
    "Necesito una ambulancia ya",
    "mi abuela no respira",
    "hay un incendio en la cocina",
    "appelez le SAMU vite",
    "mon bébé ne respire pas",
    "il y a un incendie dans l'immeuble",
    "ابعتولي الإسعاف بسرعة",
    "ابوي مغمى عليه",
    "في حريق بالبناية",
    "is3af please",
    "لطفا یک آمبولانس بفرستید",
    "پدرم بیهوش شده",
    "ساختمون آتیش گرفته",
    "викличте швидку, будь ласка",
    "дитина не дихає",
    "у під'їзді пожежа",
    "сосед б’є мене",  # a typographic apostrophe
    "вызовите скорую срочно",
]
NOT_EMERGENCIES = [
    "I was fired from my job, where can I get help?",
    "I need a police certificate for my job application",
    "le samu social ca marche comment",
    "my flat is at number 112",
    "أبحث عن عمل في مطعم",
    "گلوم درد میکنه",
    "шукаю роботу водієм швидкого доставлення",  # швидкого is not швидку
    "",
    "🚑",  # emoji only: left to the classifier
]


@pytest.mark.parametrize("text", EMERGENCIES)
def test_names_an_emergency(text):
    assert names_an_emergency(text)


@pytest.mark.parametrize("text", NOT_EMERGENCIES)
def test_ordinary_questions_are_left_alone(text):
    assert not names_an_emergency(text)


def test_no_example_of_another_intent_names_an_emergency():
    """Over every training and held-out example: the safety net never takes a question away from its intent."""
    wrong = []
    for path in sorted([*(ROOT / "data" / "nlu").rglob("*.yml"), *(ROOT / "tests" / "nlu").glob("*.yml")]):
        for example in load_data(str(path)).intent_examples:
            if example.get("intent") != "emergency" and names_an_emergency(example.get("text")):
                wrong.append((path.name, example.get("intent"), example.get("text")))
    assert wrong == []


def classified(text, intent, confidence):
    message = Message(
        data={"text": text, "intent": {"name": intent, "confidence": confidence}, "intent_ranking": [{"name": intent, "confidence": confidence}, {"name": "emergency", "confidence": 0.01}]}
    )
    EmergencyTerms().process([message])
    return message


def test_overrides_the_classifier_and_the_fallback():
    message = classified("mi hijo se tragó una pila", "find_health", 0.71)
    assert message.get("intent") == {"name": "emergency", "confidence": 1.0}
    assert [r["name"] for r in message.get("intent_ranking")] == ["emergency", "find_health"]
    assert classified("ساختمون آتیش گرفته", "find_housing", 0.2).get("intent")["name"] == "emergency"


def test_leaves_other_messages_as_classified():
    message = classified("I need a dentist", "find_health", 0.9)
    assert message.get("intent") == {"name": "find_health", "confidence": 0.9}
