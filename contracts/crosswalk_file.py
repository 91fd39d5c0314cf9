"""The crosswalk file: which terms of a directory we do not host mean which of our needs.

The directory's admin exports it (`manage.py export_crosswalk`, or the download on the admin's crosswalk
page); a city may also write it by hand. The action server reads it when it searches another city's HSDS
API (CROSSWALK_FILE, README "Pointing the assistant at an existing HSDS API"). YAML:

    format: newcomer-assistant-crosswalk/1
    needs:
      health-dentist:                 # one of our needs (contracts/needs.py)
        - id: "1042"                  # what the other API's `taxonomy_term_id` takes
          code: LV-1600.1800          # for people reading the file
          name: Dental Care
          reviewed: true              # false: suggested by the import, not yet checked by staff

Only `id` is required; a need with no terms is left out. Unknown needs are an error (a typo would
otherwise silently find nothing)."""

from pathlib import Path
from typing import Dict, Iterable, List, Mapping

import yaml

from . import needs

FORMAT = "newcomer-assistant-crosswalk/1"
KNOWN_NEEDS = frozenset(needs.CATEGORIES) | needs.ALL_SUB_NEEDS


class CrosswalkFileError(ValueError):
    """The file is not a crosswalk this version understands; the message says where and why."""


def dumps(mappings: Mapping[str, Iterable[Mapping[str, object]]], comment: str = "") -> str:
    """The file's text for {need: [{id, code, name, reviewed}, ...]} (needs in our order, terms by code)."""
    order = {code: position for position, code in enumerate(needs.CATEGORIES + tuple(sorted(needs.ALL_SUB_NEEDS)))}
    document = {"format": FORMAT, "needs": {}}
    for need in sorted(mappings, key=lambda code: order.get(code, len(order))):
        terms = sorted((dict(term) for term in mappings[need]), key=lambda term: (str(term.get("code") or ""), str(term["id"])))
        if terms:
            document["needs"][need] = [{key: term[key] for key in ("id", "code", "name", "reviewed") if key in term} for term in terms]
    header = "".join(f"# {line}\n" for line in comment.splitlines())
    return header + yaml.safe_dump(document, allow_unicode=True, sort_keys=False)


def loads(text: str) -> Dict[str, List[str]]:
    """{need: [foreign term id, ...]} from the file's text; CrosswalkFileError when it is not one."""
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CrosswalkFileError(f"not YAML: {error}") from error
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CrosswalkFileError(f"the first key must be `format: {FORMAT}`")
    listed = document.get("needs")
    if not isinstance(listed, dict):
        raise CrosswalkFileError("`needs` must map each need to a list of terms")
    mappings: Dict[str, List[str]] = {}
    for need, terms in listed.items():
        if need not in KNOWN_NEEDS:
            raise CrosswalkFileError(f"`{need}` is not one of the assistant's needs")
        if not isinstance(terms, list):
            raise CrosswalkFileError(f"`{need}`: a list of terms is expected")
        ids = []
        for position, term in enumerate(terms, start=1):
            term_id = term.get("id") if isinstance(term, dict) else term
            if isinstance(term_id, bool) or not isinstance(term_id, (str, int)) or not str(term_id).strip():
                raise CrosswalkFileError(f"`{need}`, term {position}: an `id` is required")
            ids.append(str(term_id).strip())
        if ids:
            mappings[need] = list(dict.fromkeys(ids))
    return mappings


def load(path: Path) -> Dict[str, List[str]]:
    return loads(Path(path).read_text(encoding="utf-8"))
