"""Rasa NLU component: which supported language is this message in?

Emits an entity `language` that fills the `language` slot, which selects the response
variations. Short or ambiguous messages ("ok", "112", emoji) emit nothing, so the slot keeps
the conversation's language. A channel or the widget can impose a language through
`metadata.language`; a message classified as `change_language` that names a language
("in English please", "بالعربي") switches to it. lingua ships its models inside the wheel: nothing is downloaded.
"""

import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import yaml
from lingua import IsoCode639_1, Language, LanguageDetectorBuilder
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

LANGUAGE_ENTITY = "language"
HINTS_FILE = Path(__file__).with_name("language_hints.yml")
NAMES_FILE = Path(__file__).with_name("language_names.yml")
CHANGE_LANGUAGE_INTENT = "change_language"
WORD = re.compile(r"\w+", re.UNICODE)
LATIN_WORD = re.compile(r"\b[A-Za-z\u00c0-\u024f][\w'\u00c0-\u024f-]*\b")
OTHER_SCRIPT_LETTER = re.compile(r"[\u0400-\u04ff\u0600-\u06ff]")


def without_latin_names(text: str) -> str:
    """The words in Arabic or Cyrillic script of a message that mixes them with Latin ones: of the six
    languages only Arabic, Persian and Ukrainian use those scripts, so Latin words inside such a message
    are names ("احكيلي عن Newcomer Job Desk", "щось в Eastgate?"), not the language it is written in."""
    if len(OTHER_SCRIPT_LETTER.findall(text)) < 4:
        return text
    return " ".join(LATIN_WORD.sub(" ", text).split())


def load_hints(codes: List[str]) -> Dict[str, str]:
    """word -> language, for words listed under exactly one supported language."""
    lists = yaml.safe_load(HINTS_FILE.read_text(encoding="utf-8")) or {}
    owners: Dict[str, set] = {}
    for code in codes:
        for word in lists.get(code, []):
            owners.setdefault(str(word).lower(), set()).add(code)
    return {word: next(iter(langs)) for word, langs in owners.items() if len(langs) == 1}


def load_names(codes: List[str]) -> List[tuple]:
    """(name, language) pairs in a fixed order (longest first, then alphabetical): no hash-seed dependence."""
    lists = yaml.safe_load(NAMES_FILE.read_text(encoding="utf-8")) or {}
    pairs = {(str(name).lower(), code) for code in codes for name in lists.get(code, [])}
    return sorted(pairs, key=lambda pair: (-len(pair[0]), pair))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class LanguageDetector(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "languages": ["en", "es"],
            # Fewer letters than this cannot be told apart reliably ("ok", "no", "si").
            "min_letters": 3,
            # Confidence (among supported languages) needed to switch the conversation's language.
            "min_confidence": 0.7,
            # Above this, the statistical detector wins over the short-word hints.
            "sure_confidence": 0.9,
        }

    def __init__(self, config: Dict[Text, Any]) -> None:
        self.codes = [code.lower() for code in config["languages"]]
        self.min_letters = config["min_letters"]
        self.min_confidence = config["min_confidence"]
        self.sure_confidence = config["sure_confidence"]
        self.hints = load_hints(self.codes)
        self.names = load_names(self.codes)
        languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in self.codes]
        self.detector = LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "LanguageDetector":
        return cls(config)

    def requested(self, text: str) -> Optional[str]:
        """The language a "please speak X" message names, if any. When it names several ("I don't read
        English, Ukrainian please"), the one named last: the request usually ends with the wish."""
        lowered = text.lower()
        found = [(lowered.rfind(name), len(name), code) for name, code in self.names if name in lowered]
        return max(found, key=lambda hit: (hit[0], hit[1]))[2] if found else None

    def detect(self, text: str, metadata: Optional[Dict[Text, Any]] = None, intent: Optional[str] = None) -> Optional[str]:
        preferred = metadata.get(LANGUAGE_ENTITY) if isinstance(metadata, dict) else None
        if isinstance(preferred, str) and preferred.lower() in self.codes:
            return preferred.lower()
        if intent == CHANGE_LANGUAGE_INTENT:
            named = self.requested(text)
            if named is not None:
                return named
        text = without_latin_names(text)
        words = WORD.findall(text.lower())
        hinted = {self.hints[w] for w in words if w in self.hints}
        hint = next(iter(hinted)) if len(hinted) == 1 else None
        if sum(ch.isalpha() for ch in text) < self.min_letters:
            return hint
        confidences = self.detector.compute_language_confidence_values(text)
        best = confidences[0] if confidences else None
        if best is not None and best.value >= self.sure_confidence:
            return best.language.iso_code_639_1.name.lower()
        # A hint word settles one- or two-word messages, and longer ones the detector is unsure of;
        # otherwise "hey les amis" would be English because of "hey".
        if hint is not None and (len(words) <= 2 or best is None or best.value < self.min_confidence):
            return hint
        if best is None or best.value < self.min_confidence:
            return None
        return best.language.iso_code_639_1.name.lower()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            intent = (message.get("intent") or {}).get("name")
            code = self.detect(text, message.get("metadata"), intent)
            if code is None:
                continue
            entity = {
                "entity": LANGUAGE_ENTITY,
                "value": code,
                "start": 0,
                "end": len(text),
                "confidence": 1.0,
                "extractor": self.__class__.__name__,
            }
            message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
