"""Export the directory as the HSDS tabular data package (zip of CSVs + datapackage.json) or XLSX.

Administrators export everything; other staff what `Scope` lets them read (README, "Import and
export"). CSV cells a spreadsheet would run as formulas get a leading apostrophe (cell_text.neutralised);
XLSX cells are all written as text.

Modeled columns come from the model fields, the HSDS columns we do not model from each record's
`extra`, the tables we do not model from ExtraRecord, service translations from the
`service_translations` profile extension table. Columns beyond HSDS that an import brought in are
appended after the HSDS columns, so nothing is lost.
"""

import csv
import io
import json
import re
import zipfile
from typing import Dict, List, Tuple

from .. import models as m, roles
from .cell_text import as_cell, neutralised
from .tables import TABLES, TRANSLATIONS_TABLE, Table, datapackage_descriptor, model_columns

ZIP_DATE = (2020, 1, 1, 0, 0, 0)
ELLIPSIS = "\u2026"


# What staff other than administrators never export (README, "Import and export"): personal data of
# contacts, the imported change log (staff names), and whatever an import brought in beyond HSDS.
PERSONAL_COLUMNS = {"contacts": {"name", "title", "department", "email"}}
ADMINISTRATORS_ONLY_TABLES = {"metadata"}


class Scope:
    """What one staff member's export holds. Administrators (and the command line, user None): everything."""

    def __init__(self, user=None):
        self.full = user is None or roles.is_administrator(user)
        # Editors: records of their organisations (and shared ones such as taxonomy terms); viewers: every
        # organisation, as they read them in the staff admin.
        self.organizations = None if self.full or roles.role_of(user) != roles.EDITOR else roles.editable_organization_ids(user)

    def keeps_table(self, table: Table) -> bool:
        return self.full or (table.hsds and table.name not in ADMINISTRATORS_ONLY_TABLES) or table.name == TRANSLATIONS_TABLE

    def keeps(self, record, shared_allowed: bool) -> bool:
        if self.organizations is None:
            return True
        owners = record.organization_ids()  # a few queries per record: only editors' exports pay them
        return bool(owners & self.organizations) or (shared_allowed and not owners)

    def columns(self, table: Table, columns: List[str]) -> List[str]:
        if self.full:
            return columns
        return [c for c in table.columns if c not in PERSONAL_COLUMNS.get(table.name, ())]


def collect_tables(user=None) -> List[Tuple[Table, List[str], List[Dict[str, str]]]]:
    """Every table of the package `user` may export: (table, columns, rows as {column: text}), rows ordered by id."""
    scope = Scope(user)
    result = []
    for table in TABLES:
        if not scope.keeps_table(table):
            continue
        if table.name == TRANSLATIONS_TABLE:
            rows = [
                {"id": str(t.id), "service_id": str(t.service_id), "language": t.language, **{f: getattr(t, f) for f in m.ServiceTranslation.TRANSLATED_FIELDS}}
                for t in m.ServiceTranslation.objects.order_by("service_id", "language")
                if scope.keeps(t, shared_allowed=False)
            ]
            result.append((table, list(table.columns), rows))
        elif table.model is not None:
            table_, columns, rows = _model_table(table, scope)
            result.append((table_, scope.columns(table, columns), rows))
        else:
            table_, columns, rows = _extra_table(table, table.columns, scope)
            result.append((table_, scope.columns(table, columns), rows))
    if not scope.full:
        return result
    known = {t.name for t in TABLES}
    for entity in m.ExtraRecord.objects.exclude(entity__in=known).values_list("entity", flat=True).distinct().order_by("entity"):
        table = Table(entity, entity, ["id"], None, ("id",), {}, hsds=False, description="Not an HSDS table: kept as imported.")
        result.append(_extra_table(table, ["id"], scope))
    return result


def _with_additional(columns: List[str], rows: List[Dict[str, str]]) -> List[str]:
    more = sorted({key for row in rows for key in row} - set(columns))
    return list(columns) + more


def _model_table(table: Table, scope: Scope):
    fields = model_columns(table)
    rows = []
    for record in table.model.objects.order_by("id"):
        # Shared records (taxonomies, terms, a location of no organisation) are public: every editor has them.
        if not scope.keeps(record, shared_allowed=True):
            continue
        extra = record.extra or {}
        row = {"id": str(record.id)}
        for column in table.columns:
            if column == "id":
                continue
            if column in fields:
                value = as_cell(getattr(record, fields[column].attname))
                kept = extra.get(column)
                # `extra` keeps an optional reference the directory could not resolve, and the whole
                # text of a value too long for its field (shortened with a final ellipsis) until edited.
                if kept is not None and (value == "" or (value.endswith(ELLIPSIS) and str(kept).startswith(value[:-1]))):
                    value = str(kept)
                row[column] = value
            else:
                row[column] = str(extra.get(column, ""))
        for key, value in extra.items():
            if key not in row:
                row[key] = str(value)
        rows.append(row)
    return table, _with_additional(table.columns, rows), rows


def _extra_table(table: Table, columns: List[str], scope: Scope):
    rows = []
    for record in m.ExtraRecord.objects.filter(entity=table.name).order_by("record_id"):
        if not scope.keeps(record, shared_allowed=False):
            continue
        rows.append({"id": record.record_id, **{k: str(v) for k, v in record.data.items() if k != "id"}})
    return table, _with_additional(columns, rows), rows


def csv_text(columns: List[str], rows: List[Dict[str, str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([neutralised(c) for c in columns])
    for row in rows:
        writer.writerow([neutralised(row.get(c, "")) for c in columns])
    return out.getvalue()


def export_zip(target, user=None) -> None:
    """Write the package `user` may export as a zip (file name or binary file object)."""
    tables = collect_tables(user)
    descriptor = datapackage_descriptor([(t, cols) for t, cols, _ in tables])
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def put(name: str, text: str):
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))

        put("datapackage.json", json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n")
        for table, columns, rows in tables:
            put(table.filename, csv_text(columns, rows))


def export_xlsx(target, user=None) -> None:
    """Write the package as an XLSX workbook, one sheet per table, every cell as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils.exceptions import IllegalCharacterError

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for table, columns, rows in collect_tables(user):
        sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "_", table.name)[:31] or "sheet")
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column)
            cell.data_type = "s"  # a column name an import brought in is never a formula
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        sheet.freeze_panes = "A2"
        for row in rows:
            cells = []
            for column in columns:
                value = row.get(column, "")
                try:
                    cell = WriteOnlyCell(sheet, value=value if value != "" else None)
                except IllegalCharacterError:
                    cell = WriteOnlyCell(sheet, value="".join(ch for ch in value if ch >= " " or ch in "\t\n\r"))
                if value != "":
                    cell.data_type = "s"  # text, never a formula or a number
                cells.append(cell)
            sheet.append(cells)
    workbook.save(target)


def export(target, fmt: str, user=None) -> None:
    if fmt == "xlsx":
        export_xlsx(target, user)
    elif fmt == "zip":
        export_zip(target, user)
    else:
        raise ValueError(f"unknown export format {fmt!r} (zip or xlsx)")
