"""Rasa NLU component: a message that names an emergency is an emergency, whatever the classifier said.

"Emergencies get the emergency number first, always." The intent classifier learns emergencies
from examples and misses some ("the house is burning", "call an ambulance to this address"),
and a miss sends a person in danger to a list of services, or to "I did not understand". This
component runs after the classifier and before the FallbackClassifier: when the message contains
a term of `emergency_terms.yml` (ambulance, not breathing, fire, overdose, someone beating me...,
in every supported language plus Russian, which many Ukrainian speakers write), the intent becomes
`emergency` with full confidence. It never turns an emergency into something else.

Matching ignores case, accents and harakat, the Arabic/Persian letter variants (ي/ی, ك/ک, أ/ا,
ة/ه), the zero-width non-joiner and the digit script (١١٢, ۱۱۲, 112). A term is whole words; `*`
at its start or end allows any letters there (Arabic prefixes such as ال/بال, word endings).
"""

import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Pattern, Text

import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

TERMS_FILE = Path(__file__).with_name("emergency_terms.yml")
EMERGENCY_INTENT = "emergency"
# Letters written several ways in Arabic-script languages, one way here.
_LETTERS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ی": "ي", "ک": "ك", "ة": "ه", "ۀ": "ه", "ـ": None, "\u200c": None, "’": "'", "ʼ": "'", "`": "'", "´": "'"})
_NOT_WORD = re.compile(r"[^\w']+")


def normalise(text: str) -> str:
    """Lower case, no accents or harakat, one spelling of Arabic-script letters, ASCII digits, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    plain = "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in plain)
    return " " + _NOT_WORD.sub(" ", plain.translate(_LETTERS).casefold()).strip() + " "


def term_pattern(term: str) -> str:
    words = normalise(term.strip("*")).split()
    body = r"\s+".join(re.escape(word) for word in words)
    before = r"\w*" if term.startswith("*") else r"(?<![\w'])"
    after = r"\w*" if term.endswith("*") else r"(?![\w'])"
    return before + body + after


@lru_cache(maxsize=1)
def emergency_pattern() -> Pattern:
    """One pattern for every term of every language (a message's language may not be known yet)."""
    lists = yaml.safe_load(TERMS_FILE.read_text(encoding="utf-8")) or {}
    terms = sorted({str(term) for values in lists.values() for term in values or [] if normalise(str(term).strip("*")).strip()})
    return re.compile("|".join(term_pattern(term) for term in terms))


def names_an_emergency(text: str) -> bool:
    return emergency_pattern().search(normalise(text)) is not None


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class EmergencyTerms(GraphComponent):
    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext) -> "EmergencyTerms":
        emergency_pattern()  # a broken terms file fails at load time, not on a user's message
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            intent = message.get(INTENT) or {}
            if intent.get("name") == EMERGENCY_INTENT or not names_an_emergency(message.get(TEXT) or ""):
                continue
            emergency = {"name": EMERGENCY_INTENT, "confidence": 1.0}
            ranking = [emergency] + [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get("name") != EMERGENCY_INTENT]
            message.set(INTENT, emergency, add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
