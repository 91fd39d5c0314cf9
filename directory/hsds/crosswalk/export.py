"""The crosswalk file (contracts/crosswalk_file.py) from the mappings staff keep in the admin.

The action server reads it (CROSSWALK_FILE) to search a city's HSDS API we do not host: for a need, it asks
that API for the city's own term ids. Written by `manage.py export_crosswalk` and the admin's download."""

from collections import defaultdict
from typing import Dict, List

from django.utils import timezone

from contracts import crosswalk_file

from .. import models as m


def foreign_id(term: m.TaxonomyTerm) -> str:
    """The id the city's own API knows the term by: the import replaced a non-UUID id (a 211 database's
    1042) with a stable UUID and kept the original (tabular/stable_ids.py); the other API still uses that."""
    original = str((term.extra or {}).get("original_id") or "").strip()
    return original or str(term.id)


def mapped_terms(reviewed_only: bool = False, original_ids: bool = True) -> Dict[str, List[dict]]:
    """{need code: [{id, code, name, reviewed}, ...]} in one query, however many mappings there are.

    `original_ids`: the ids of the source the terms came from (the city's own API); False: the ids this
    directory serves them under (for an assistant reading this directory as a directory it does not host)."""
    mappings = m.CrosswalkMapping.objects.select_related("need", "foreign_term")
    if reviewed_only:
        mappings = mappings.filter(reviewed=True)
    terms: Dict[str, List[dict]] = defaultdict(list)
    for mapping in mappings:
        term = mapping.foreign_term
        terms[mapping.need.code].append({"id": foreign_id(term) if original_ids else str(term.id), "code": term.code, "name": term.name, "reviewed": mapping.reviewed})
    return dict(terms)


def header(reviewed_only: bool, mapping_count: int) -> str:
    what = "reviewed mappings only" if reviewed_only else "all mappings, reviewed or only suggested (reviewed: false)"
    return (
        f"Taxonomy crosswalk of the newcomer assistant's directory, exported {timezone.now().isoformat(timespec='seconds')}:\n"
        f"{mapping_count} mapping(s), {what}.\n"
        "Each need lists the terms of the other city's taxonomy that mean it; `id` is what that city's API takes as taxonomy_term_id.\n"
        "Use: give this file's path to the action server as CROSSWALK_FILE (README \"Pointing the assistant at an existing HSDS API\")."
    )


def crosswalk_text(reviewed_only: bool = False, original_ids: bool = True) -> str:
    """The whole file's text, comment header included."""
    terms = mapped_terms(reviewed_only, original_ids)
    return crosswalk_file.dumps(terms, comment=header(reviewed_only, sum(len(listed) for listed in terms.values())))
