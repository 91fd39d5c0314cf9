"""The sub-need classifier on its own: trained on a few real examples with the real sentence embeddings."""

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.e5_featurizer import E5SentenceFeaturizer
from bot.nlu.sub_need_classifier import SubNeedClassifier

EXAMPLES = [
    ("find_health", "i need a dentist", "health-dentist"),
    ("find_health", "my tooth hurts", "health-dentist"),
    ("find_health", "broken tooth, need help", "health-dentist"),
    ("find_health", "i need to see a doctor", "health-doctor"),
    ("find_health", "where is a general practitioner", "health-doctor"),
    ("find_health", "walk-in clinic for a fever", "health-doctor"),
    ("find_health", "health services", None),
    ("find_health", "help with health", None),
    ("find_health", "i have a health question", None),
    ("find_health", "health care for newcomers", None),
    ("find_health", "medical help please", None),
    ("find_housing", "a bed for tonight in a shelter", "housing-shelter"),
    ("find_housing", "i sleep in the street", "housing-shelter"),
]


def message(text, intent, need=None):
    entities = [{"entity": "need", "value": need, "start": 0, "end": len(text)}] if need else []
    return Message(data={"text": text, "intent": intent, "entities": entities})


@pytest.fixture(scope="module")
def featurizer():
    return E5SentenceFeaturizer({**E5SentenceFeaturizer.get_default_config()}, "e5")


@pytest.fixture
def trained(tmp_path, featurizer):
    storage, resource = LocalModelStorage(tmp_path), Resource("sub_need")
    context = ExecutionContext(GraphSchema({}), "test")
    training = featurizer.process_training_data(TrainingData([message(t, i, n) for i, t, n in EXAMPLES]))
    classifier = SubNeedClassifier.create({**SubNeedClassifier.get_default_config(), "neighbours": 3}, storage, resource, context)
    classifier.train(training)
    loaded = SubNeedClassifier.load({**SubNeedClassifier.get_default_config(), "neighbours": 3}, storage, resource, context)

    def parse(text, intent):
        parsed = message(text, None)
        parsed.set("intent", {"name": intent, "confidence": 0.9})
        featurizer.process([parsed])
        loaded.process([parsed])
        return [e["value"] for e in parsed.get("entities") if e["entity"] == "need"]

    return parse


def test_a_named_sub_need_is_set_after_saving_and_loading(trained):
    assert trained("my teeth hurt so much", "find_health") == ["health-dentist"]


def test_a_plain_category_question_gets_no_sub_need(trained):
    assert trained("i need health services", "find_health") == []


def test_only_sub_needs_of_the_predicted_category_come_out(trained):
    assert trained("a shelter bed for tonight", "find_health") in ([], ["health-dentist"], ["health-doctor"])
    assert trained("a shelter bed for tonight", "find_housing") == ["housing-shelter"]


def test_other_intents_get_no_sub_need(trained):
    assert trained("i need a dentist", "greet") == []
