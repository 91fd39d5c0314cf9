"""Sub-need classifier: the `need` entity (e.g. health-dentist) from the whole sentence, not from a span.

Per category, the average of two views of the multilingual-e5-small sentence embeddings (from
E5SentenceFeaturizer): a weighted nearest-neighbour vote (cosine) among the training examples of the
predicted category, and a logistic regression trained on them (the vote alone was 0.03 lower on the
held-out sets, measured in docs/nlu-design.md). Examples of that
category without a `need` annotation vote for "no sub-need", a real class: a plain category
question gets none. Phrasings without a keyword for the need ("a place to sleep tonight") are
where span extraction (CRF) failed; measured against it in docs/nlu-evaluation.md.
The entity is the one the actions already read, so only codes of the predicted category are set.
"""

import json
import re
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

NEED = "need"
NO_SUB_NEED = ""
CATEGORY_INTENT = re.compile(r"^find_(?P<category>[a-z]+)$")


def sub_need_label(message: Message) -> Optional[str]:
    """The example's one sub-need, "" for none; None when it names several (ambiguous, not learned from)."""
    needs = {e.get("value") for e in message.get(ENTITIES) or [] if e.get("entity") == NEED}
    return needs.pop() if len(needs) == 1 else (NO_SUB_NEED if not needs else None)


def regression_shares(model: Dict[str, Any], vector: np.ndarray) -> Dict[str, float]:
    """A fitted multinomial logistic regression's class probabilities, from its stored weights."""
    scores = model["coef"] @ vector + model["intercept"]
    if len(model["classes"]) == 2:  # scikit-learn keeps one row for two classes: the second's odds
        second = 1.0 / (1.0 + np.exp(-scores[0]))
        return dict(zip(model["classes"], (1.0 - second, second)))
    exps = np.exp(scores - scores.max())
    return dict(zip(model["classes"], exps / exps.sum()))


def vote(similarities: np.ndarray, labels: List[str], k: int) -> Dict[str, float]:
    """Share of the similarity mass of the k nearest examples, per label."""
    order = np.argsort(-similarities)[:k]
    weights = np.maximum(similarities[order], 0.0)
    totals: Dict[str, float] = {}
    for index, weight in zip(order, weights):
        totals[labels[index]] = totals.get(labels[index], 0.0) + float(weight)
    mass = sum(totals.values()) or 1.0
    return {label: total / mass for label, total in totals.items()}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True)
class SubNeedClassifier(GraphComponent):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # k and threshold chosen on the held-out sets (docs/nlu-evaluation.md).
        return {"neighbours": 5, "threshold": 0.4, "regularisation": 8.0}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, memory: Optional[Dict[str, Any]] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage, self._resource = model_storage, resource
        # Per category: normalised embeddings of its training examples and their sub-need ("" for none).
        self.memory = memory or {}

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext) -> "SubNeedClassifier":
        return cls(config, model_storage, resource)

    @staticmethod
    def _embedding(message: Message) -> Optional[np.ndarray]:
        features = message.get_dense_features(attribute=TEXT)[1]
        if features is None:
            return None
        vector = features.features.reshape(-1).astype(np.float32)
        return vector / max(float(np.linalg.norm(vector)), 1e-9)

    def train(self, training_data: TrainingData) -> Resource:
        grouped: Dict[str, Dict[str, list]] = {}
        for example in training_data.intent_examples:
            match = CATEGORY_INTENT.match(example.get(INTENT) or "")
            label = sub_need_label(example)
            vector = self._embedding(example)
            if not match or label is None or vector is None:
                continue
            if label and not label.startswith(match["category"] + "-"):
                continue  # a need of another category says nothing about this one
            group = grouped.setdefault(match["category"], {"vectors": [], "labels": []})
            group["vectors"].append(vector)
            group["labels"].append(label)
        self.memory = {category: self._fit(np.vstack(g["vectors"]), g["labels"]) for category, g in grouped.items()}
        self.persist()
        return self._resource

    def _fit(self, vectors: np.ndarray, labels: List[str]) -> Dict[str, Any]:
        group: Dict[str, Any] = {"vectors": vectors, "labels": labels}
        if len(set(labels)) > 1:
            from sklearn.linear_model import LogisticRegression

            fitted = LogisticRegression(C=float(self.config["regularisation"]), max_iter=2000).fit(vectors, labels)
            group.update(coef=fitted.coef_.astype(np.float32), intercept=fitted.intercept_.astype(np.float32), classes=[str(c) for c in fitted.classes_])
        return group

    def predict(self, category: str, vector: np.ndarray) -> Optional[Dict[str, float]]:
        group = self.memory.get(category)
        if group is None:
            return None
        shares = vote(group["vectors"] @ vector, group["labels"], int(self.config["neighbours"]))
        if "coef" not in group:
            return shares
        regression = regression_shares(group, vector)
        return {label: (shares.get(label, 0.0) + regression.get(label, 0.0)) / 2 for label in set(shares) | set(regression)}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            match = CATEGORY_INTENT.match((message.get(INTENT) or {}).get("name") or "")
            vector = self._embedding(message)
            if not match or vector is None:
                continue
            shares = self.predict(match["category"], vector)
            if not shares:
                continue
            label, share = max(shares.items(), key=lambda item: item[1])
            if not label or share < self.config["threshold"]:
                continue
            entity = {"entity": NEED, "value": label, "confidence": share, "extractor": self.__class__.__name__, "start": 0, "end": len(message.get(TEXT) or "")}
            others = [e for e in message.get(ENTITIES) or [] if e.get("entity") != NEED]
            message.set(ENTITIES, [entity] + others, add_to_output=True)
        return messages

    def persist(self) -> None:
        with self._model_storage.write_to(self._resource) as model_dir:
            arrays = {c: g["vectors"] for c, g in self.memory.items()}
            for c, g in self.memory.items():
                if "coef" in g:
                    arrays.update({f"{c}.coef": g["coef"], f"{c}.intercept": g["intercept"]})
            np.savez(model_dir / "vectors.npz", **arrays)
            labels = {c: {"labels": g["labels"], "classes": g.get("classes")} for c, g in self.memory.items()}
            (model_dir / "labels.json").write_text(json.dumps(labels), encoding="utf-8")

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource, execution_context: ExecutionContext, **kwargs: Any) -> "SubNeedClassifier":
        try:
            with model_storage.read_from(resource) as model_dir:
                labels = json.loads((model_dir / "labels.json").read_text(encoding="utf-8"))
                with np.load(model_dir / "vectors.npz", allow_pickle=False) as arrays:
                    memory = {}
                    for c, stored in labels.items():
                        memory[c] = {"vectors": arrays[c], "labels": stored["labels"]}
                        if stored.get("classes"):
                            memory[c].update(coef=arrays[f"{c}.coef"], intercept=arrays[f"{c}.intercept"], classes=stored["classes"])
        except (ValueError, OSError, KeyError):
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, memory)
