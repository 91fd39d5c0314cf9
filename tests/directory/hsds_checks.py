"""Checks of HSDS API answers: valid against the official schema with no field it lacks, paged as HSDS pages."""

import requests
from jsonschema import Draft202012Validator, FormatChecker


def get(api: str, path: str, **params):
    response = requests.get(f"{api}/{path}", params=params, timeout=10)
    return response, response.json()


def unknown_fields(document, schema, where="") -> list:
    """Fields we emit that the HSDS schema does not define (catches misspelt field names)."""
    problems = []
    if isinstance(document, dict) and "properties" in schema:
        for key, value in document.items():
            if key not in schema["properties"]:
                problems.append(f"{where}.{key}")
            else:
                problems += unknown_fields(value, schema["properties"][key], f"{where}.{key}")
    elif isinstance(document, list) and "items" in schema:
        for index, item in enumerate(document):
            problems += unknown_fields(item, schema["items"], f"{where}[{index}]")
    return problems


def assert_valid(document, schema):
    errors = sorted(Draft202012Validator(schema, format_checker=FormatChecker()).iter_errors(document), key=str)
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])
    assert unknown_fields(document, schema) == []


PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page", "empty", "contents"}


def assert_page(page):
    assert set(page) == PAGE_KEYS
    assert page["size"] == len(page["contents"])
    assert page["empty"] == (page["size"] == 0)
