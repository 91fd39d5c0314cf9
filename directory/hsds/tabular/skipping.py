"""An import that keeps going (`ON_ERROR=skip`): every record whose own rows are valid is applied; a
record with an error is skipped as a whole, with everything that belongs to it, never half a service.

A service's phones, hours, languages, documents, locations links and categories are its rows; a
location's or an organisation's are theirs. When one row of a record fails, the record and every row
that refers to it (and, in turn, to those) are left out, and the dry run is repeated until it is clean.
Each left-out row is listed with its reason in plain words (`Report.skipped`, `write_skipped_csv`).
"""

import csv
from typing import Dict, List, Set, Tuple

from .importing import DEFAULT_SOURCE, Problem, Report, run
from .progress import Progress
from .reading import Package
from .stable_ids import assign_stable_ids

OWNERS = ("organizations", "services", "locations")
# For a failing row of another table, the record it belongs to, most specific first.
OWNER_COLUMNS = ("service_id", "location_id", "organization_id")
MAX_ROUNDS = 6


def _references(row: dict) -> Set[str]:
    return {str(v).strip() for c, v in row.items() if (c.endswith("_id") or c == "link_id") and str(v or "").strip()}


def _owner_of(table: str, row: dict) -> str:
    if table in OWNERS or not any(str(row.get(c) or "").strip() for c in OWNER_COLUMNS):
        return str(row.get("id") or "").strip()
    return next(str(row[c]).strip() for c in OWNER_COLUMNS if str(row.get(c) or "").strip())


def _leave_out(package: Package, errors: List[Problem]) -> List[Problem]:
    """Remove from `package` the records with errors and all rows that depend on them; say why for each."""
    by_source = {sheet.source: sheet for sheet in package.sheets.values()}
    reasons: Dict[Tuple[str, int], str] = {}
    causes: Dict[str, str] = {}  # left-out record id -> the first error that took it
    dropped: Set[str] = set()
    for error in errors:
        sheet = by_source.get(error.source)
        if sheet is None:
            continue
        rows = sheet.rows if error.row is None else [(n, r) for n, r in sheet.rows if n == error.row]
        for number, row in rows:
            reasons.setdefault((sheet.source, number), error.message)
            for record in (_owner_of(sheet.name, row), str(row.get("id") or "").strip()):
                dropped.add(record)
                causes.setdefault(record, f"row {number} of {sheet.source} has an error")
    dropped.discard("")
    skipped: List[Problem] = []
    changed = True
    while changed:  # whatever refers to a left-out record goes too, and whatever refers to that
        changed = False
        for sheet in package.sheets.values():
            kept = []
            for number, row in sheet.rows:
                own_id = str(row.get("id") or "").strip()
                hit = (sheet.source, number) in reasons or own_id in dropped or _references(row) & dropped
                if not hit:
                    kept.append((number, row))
                    continue
                reason = reasons.get((sheet.source, number))
                if reason is None:
                    owner = own_id if own_id in causes else sorted(_references(row) & dropped)[0] if _references(row) & dropped else own_id
                    reason = f"left out with record {owner}: {causes.get(owner, 'it has an error')}"
                skipped.append(Problem(sheet.source, number, reason))
                if own_id and own_id not in dropped:
                    dropped.add(own_id)
                    causes.setdefault(own_id, causes.get(next(iter(sorted(_references(row) & dropped)), ""), "it depends on a record with an error"))
                    changed = True
            sheet.rows = kept
            sheet.problems = [(n, msg) for n, msg in sheet.problems if (sheet.source, n) not in reasons]
    return skipped


def run_skipping(package: Package, user=None, who: str = "system", commit: bool = False, source: str = DEFAULT_SOURCE, progress: Progress = None) -> Report:
    """As `run`, but records with errors are left out (and listed in `Report.skipped`) instead of stopping all.

    Each round is a whole import that commits only when clean (`run`), so the first clean round is
    the apply and no round is repeated."""
    assign_stable_ids(package, source)
    progress = progress or Progress()
    skipped: List[Problem] = []
    for round_number in range(1, MAX_ROUNDS + 1):
        progress.set_stage(("applying" if commit else "dry run") + (f" (round {round_number})" if round_number > 1 else ""))
        report = run(package, user=user, who=who, commit=commit, source=source, progress=progress)
        if report.ok:
            break
        skipped += _leave_out(package, report.errors)
    else:
        if commit:  # the records the last round left out, applied without them
            report = run(package, user=user, who=who, commit=commit, source=source, progress=progress)
    report.skipped = sorted(skipped, key=lambda p: (p.source, p.row or 0))
    return report


def write_skipped_csv(report: Report, handle) -> None:
    """The skipped rows for staff: file, row, reason (a spreadsheet opens it)."""
    writer = csv.writer(handle)
    writer.writerow(["file", "row", "reason"])
    for problem in report.skipped:
        writer.writerow([problem.source, problem.row or "", problem.message])
