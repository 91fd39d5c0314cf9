"""The same taxonomy link twice (a service tagged "dental care" in two rows with different ids) is one
link: real directories repeat them when categories come from several places. The first row is kept,
the others are merged into it with a note (README "Import and export")."""

from .reading import Package

KEY_COLUMNS = ("link_id", "link_entity", "link_type", "taxonomy_term_id")


def merge_duplicate_links(package: Package) -> int:
    sheet = package.sheets.get("attributes")
    if sheet is None:
        return 0
    first_row, kept, merged = {}, [], 0
    for number, row in sheet.rows:
        key = tuple(str(row.get(c) or "").strip().casefold() for c in KEY_COLUMNS)
        if key[0] and key[3] and key in first_row and not str(row.get("value") or "").strip():
            merged += 1
            package.notes.append(f"row {number} of {sheet.source} repeats the link of row {first_row[key]}; merged into it")
            continue
        first_row.setdefault(key, number)
        kept.append((number, row))
    sheet.rows = kept
    return merged
