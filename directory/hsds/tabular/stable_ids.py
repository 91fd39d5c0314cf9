"""Ids that are not UUIDs (a 211 database's 1042, "ORG-17") become stable UUIDs, the original kept.

HSDS ids are UUIDs; many real directories number their records. Each such id becomes
uuid5(namespace of the source, table, original id), in its own row and in every reference to it, so
the next import of the same source updates the same records instead of duplicating them; the
original id is kept in the record's `original_id` column (exported again). README "Import and export".
"""

import uuid
from typing import Dict, Optional

from .normalise import stable_id
from .reading import Package
from .tables import TABLES

# Only tables we model need UUIDs; the others are kept whole, ids as written (an exact round trip).
MODELLED = {table.name for table in TABLES if table.model is not None}
ENTITY_TABLES: Dict[str, str] = {table.entity: table.name for table in TABLES}
# Reference columns not named after their entity.
OTHER_REFERENCES = {"parent_organization_id": "organizations"}
ORIGINAL_ID = "original_id"


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(str(text).strip())
        return True
    except ValueError:
        return False


def _target(table: str, column: str, row: dict) -> Optional[str]:
    """The table a reference column of `table` points to."""
    if column == "id" or column == "parent_id":
        return table
    if column == "link_id":  # attributes: the entity is named in the row
        return ENTITY_TABLES.get(str(row.get("link_entity") or "").strip())
    return OTHER_REFERENCES.get(column) or ENTITY_TABLES.get(column[: -len("_id")])


def assign_stable_ids(package: Package, source: str) -> int:
    """Rewrite every non-UUID id and reference in `package` in place; return how many ids were mapped."""
    mapped = 0
    for sheet in package.sheets.values():
        for _, row in sheet.rows:
            for column in [c for c in row if c == "id" or c.endswith("_id")]:
                value = str(row.get(column) or "").strip()
                target = _target(sheet.name, column, row)
                if not value or _is_uuid(value) or target not in MODELLED or sheet.name not in MODELLED:
                    continue
                row[column] = str(stable_id(source, target, value))
                if column == "id":
                    row.setdefault(ORIGINAL_ID, value)
                    mapped += 1
    return mapped
