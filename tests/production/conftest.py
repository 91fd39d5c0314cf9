"""The deployment files as parsed once per module for the tests that compare them with the local profile."""

import pytest
import yaml

from deployment_sources import COMPOSE_FILE, CONFIG_MAP, K8S_DIR, SECRET, SECRET_TEMPLATE, of_kind


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def manifests() -> list:
    documents = []
    for path in sorted(K8S_DIR.glob("*.yaml")):
        if path.name in {"kustomization.yaml", SECRET_TEMPLATE.name}:
            continue
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if document:
                document["__file__"] = path.name
                documents.append(document)
    return documents


@pytest.fixture(scope="module")
def config_map(manifests) -> dict:
    return of_kind(manifests, "ConfigMap")[CONFIG_MAP]["data"]


@pytest.fixture(scope="module")
def secret_template() -> dict:
    document = yaml.safe_load(SECRET_TEMPLATE.read_text(encoding="utf-8"))
    assert document["kind"] == "Secret" and document["metadata"]["name"] == SECRET
    return document.get("stringData") or document.get("data") or {}
