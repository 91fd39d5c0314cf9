"""Intent classifier: logistic regression over multilingual sentence embeddings and TF-IDF n-grams.

Sentence embeddings (from E5SentenceFeaturizer) carry meaning across languages; character
n-grams carry spelling variants, typos and transliteration; per intent, the mean similarity to
the k nearest training examples adds what a linear model on embeddings alone misses (dialect
phrasings close to a few examples). Measured on the held-out sets
(docs/nlu-evaluation.md) this beats DIET on unseen phrasings in every language and trains in
seconds. DIET still extracts entities.
"""

import logging
import sys
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

logger = logging.getLogger(__name__)
# Types a saved model may contain; loading refuses anything else (skops, not pickle).
TRUSTED_PREFIXES = ("sklearn.", "numpy.", "scipy.", "builtins.")
# What our training writes beyond the types skops trusts by default: loading trusts these in one pass;
# a file with anything else goes through the full check above.
EXPECTED_UNTRUSTED = ["scipy.sparse._csr.csr_matrix"]
_ABSENT = object()


def import_skops_io():
    """`import skops.io`, fast in a process that has already imported TensorFlow.

    On import, skops looks up the module of each numpy and scipy.special ufunc (about 800) the way
    pickle does: a scan of sys.modules in order until a module holds the object. In the Rasa server
    (~6,000 modules, scipy.special near the end) that took 8-11 s of its start (docs/benchmarks.md).
    Moving every other module behind numpy's and scipy's (pop and re-insert, as the import system
    itself does after each import) ends each scan within a few modules; the names found and the
    modules are the same.
    """
    if "skops.io" not in sys.modules:
        for name in [name for name in list(sys.modules) if name.partition(".")[0] not in ("numpy", "scipy")]:
            module = sys.modules.pop(name, _ABSENT)
            if module is not _ABSENT:
                sys.modules[name] = module
    import skops.io

    return skops.io


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class EmbeddingIntentClassifier(IntentClassifier, GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "C": 10.0,
            # Scale of the sentence embedding against the (unit-length) TF-IDF vectors.
            "dense_weight": 2.0,
            # Nearest-neighbour similarity features: k examples per intent, and their weight.
            "neighbours": 3,
            "neighbour_weight": 3.0,
            "char_ngram_range": [2, 5],
            "word_ngram_range": [1, 1],
            "max_iter": 5000,
            "ranking_length": 10,
        }

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, parts: Optional[Dict[str, Any]] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage, self._resource = model_storage, resource
        parts = parts or {}
        self.char_vectorizer = parts.get("char") or TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.config["char_ngram_range"]), sublinear_tf=True)
        self.word_vectorizer = parts.get("word") or TfidfVectorizer(ngram_range=tuple(self.config["word_ngram_range"]), sublinear_tf=True)
        self.classifier = parts.get("classifier") or LogisticRegression(C=self.config["C"], max_iter=self.config["max_iter"], class_weight="balanced", random_state=42)
        self.dense_size = parts.get("dense_size", 0)
        # Normalised training embeddings and their intents, for the neighbour features.
        self.memory = parts.get("memory")
        self.memory_labels = parts.get("memory_labels")

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext) -> "EmbeddingIntentClassifier":
        return cls(config, model_storage, resource)

    def _dense(self, messages: List[Message]) -> np.ndarray:
        rows = []
        for message in messages:
            features = message.get_dense_features(attribute=TEXT)[1]
            rows.append(features.features.reshape(-1) if features is not None else np.zeros(self.dense_size, dtype=np.float32))
        return np.vstack(rows) * self.config["dense_weight"] if self.dense_size else np.zeros((len(messages), 0))

    def _neighbour_similarities(self, embeddings: np.ndarray, training: bool = False) -> np.ndarray:
        """Per intent, the mean cosine similarity to its `neighbours` most similar training examples."""
        if self.memory is None or not len(embeddings):
            return np.zeros((len(embeddings), 0))
        similarities = embeddings @ self.memory.T
        if training:  # an example is not its own neighbour
            np.fill_diagonal(similarities, -1.0)
        k = self.config["neighbours"]
        columns = []
        for label in range(int(self.memory_labels.max()) + 1):
            own = similarities[:, self.memory_labels == label]
            columns.append(-np.sort(-own, axis=1)[:, :k].mean(axis=1))
        return np.vstack(columns).T * self.config["neighbour_weight"]

    def _features(self, messages: List[Message], training: bool = False) -> csr_matrix:
        texts = [message.get(TEXT) or "" for message in messages]
        dense = self._dense(messages)
        unit = dense / np.maximum(np.linalg.norm(dense, axis=1, keepdims=True), 1e-9) if dense.shape[1] else dense
        return hstack(
            [
                csr_matrix(dense),
                csr_matrix(self._neighbour_similarities(unit, training)),
                self.char_vectorizer.transform(texts),
                self.word_vectorizer.transform(texts),
            ]
        ).tocsr()

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            return self._resource
        dense = examples[0].get_dense_features(attribute=TEXT)[1]
        self.dense_size = dense.features.shape[-1] if dense is not None else 0
        texts = [e.get(TEXT) for e in examples]
        labels = [e.get(INTENT) for e in examples]
        self.char_vectorizer.fit(texts)
        self.word_vectorizer.fit(texts)
        if self.dense_size and self.config["neighbours"] > 0:
            dense = self._dense(examples)
            self.memory = (dense / np.maximum(np.linalg.norm(dense, axis=1, keepdims=True), 1e-9)).astype(np.float32)
            names = sorted(set(labels))
            self.memory_labels = np.array([names.index(label) for label in labels])
        self.classifier.fit(self._features(examples, training=True), labels)
        self.persist()
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if not hasattr(self.classifier, "classes_"):
            return messages
        probabilities = self.classifier.predict_proba(self._features(messages))
        for message, row in zip(messages, probabilities):
            ranking = sorted(({"name": str(name), "confidence": float(p)} for name, p in zip(self.classifier.classes_, row)), key=lambda r: -r["confidence"])
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set("intent_ranking", ranking[: self.config["ranking_length"]], add_to_output=True)
        return messages

    def persist(self) -> None:
        sio = import_skops_io()

        with self._model_storage.write_to(self._resource) as model_dir:
            sio.dump(
                {
                    "char": self.char_vectorizer,
                    "word": self.word_vectorizer,
                    "classifier": self.classifier,
                    "dense_size": self.dense_size,
                    "memory": self.memory,
                    "memory_labels": self.memory_labels,
                },
                model_dir / "intent_classifier.skops",
            )

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext, **kwargs: Any) -> "EmbeddingIntentClassifier":
        sio = import_skops_io()
        from skops.io.exceptions import UntrustedTypesFoundException

        try:
            with model_storage.read_from(resource) as model_dir:
                path = model_dir / "intent_classifier.skops"
                try:  # one pass over the file (each pass reads and checks ~30 MB of JSON)
                    parts = sio.load(path, trusted=EXPECTED_UNTRUSTED)
                except UntrustedTypesFoundException:
                    untrusted = sio.get_untrusted_types(file=path)
                    unexpected = [t for t in untrusted if not t.startswith(TRUSTED_PREFIXES)]
                    if unexpected:
                        raise ValueError(f"refusing to load unexpected types {unexpected}")
                    parts = sio.load(path, trusted=untrusted)
        except ValueError as error:
            logger.warning("No trained intent classifier could be loaded (%s); it will predict nothing.", error)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, parts)
