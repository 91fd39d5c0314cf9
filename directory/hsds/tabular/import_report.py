"""What an import says: every problem per row (errors and warnings), the counts per table, the text."""

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Dict, List, Optional


@dataclass
class Problem:
    source: str
    row: Optional[int]
    message: str

    def __str__(self):
        where = f"row {self.row} of {self.source}" if self.row else self.source
        return f"{where}: {self.message}"


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0

    @property
    def rows(self) -> int:
        return self.created + self.updated + self.unchanged + self.errors


@dataclass
class Report:
    tables: "OrderedDict[str, Counts]" = field(default_factory=OrderedDict)
    sources: Dict[str, str] = field(default_factory=dict)
    errors: List[Problem] = field(default_factory=list)
    warnings: List[Problem] = field(default_factory=list)
    applied: bool = False
    dry_run: bool = True
    skipped: List[Problem] = field(default_factory=list)  # ON_ERROR=skip: rows left out, with why (skipping.py)
    crosswalk: Dict[str, int] = field(default_factory=dict)  # new foreign terms: {"mapped": n, "unmapped": n} (crosswalk/)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changes(self) -> int:
        return sum(c.created + c.updated for c in self.tables.values())

    def as_text(self) -> str:
        lines = ["Table                          created  updated  unchanged  errors"]
        for name, counts in self.tables.items():
            lines.append(f"{self.sources.get(name, name):<30} {counts.created:>7}  {counts.updated:>7}  {counts.unchanged:>9}  {counts.errors:>6}")
        if self.warnings:
            lines += ["", f"{len(self.warnings)} warning(s):"] + [f"  - {w}" for w in self.warnings]
        if self.skipped:
            lines += ["", f"{len(self.skipped)} row(s) left out with their record (row numbers as a spreadsheet shows them):"]
            lines += [f"  - {s}" for s in self.skipped]
        if self.errors:
            lines += ["", f"{len(self.errors)} error(s) (row numbers as a spreadsheet shows them; the header is row 1):"]
            lines += [f"  - {e}" for e in self.errors]
        lines.append("")
        if self.applied:
            lines.append(f"Applied: {self.changes} record(s) created or updated.")
            if self.crosswalk.get("mapped") or self.crosswalk.get("unmapped"):
                lines.append(
                    f"Crosswalk: {self.crosswalk['mapped']} foreign taxonomy term(s) mapped to a need by suggestion (to review in the admin),"
                    f" {self.crosswalk['unmapped']} left unmapped (admin: Taxonomy terms, crosswalk: not mapped)."
                )
        elif self.errors:
            lines.append("Nothing was changed: correct the errors and import again.")
        elif self.dry_run:
            lines.append(f"Dry run: nothing was changed. Applying would create or update {self.changes} record(s).")
        return "\n".join(lines)


class RowError(Exception):
    def __init__(self, *messages):
        super().__init__(messages[0] if messages else "")
        self.messages = list(messages)
