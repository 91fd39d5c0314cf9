"""Export the whole directory as the HSDS tabular data package (zip of CSVs + datapackage.json) or XLSX.

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

from .. import models as m
from .tables import TABLES, TRANSLATIONS_TABLE, Table, as_cell, datapackage_descriptor, model_columns

ZIP_DATE = (2020, 1, 1, 0, 0, 0)
ELLIPSIS = "\u2026"


def collect_tables() -> List[Tuple[Table, List[str], List[Dict[str, str]]]]:
    """Every table of the package: (table, columns, rows as {column: text}), rows ordered by id."""
    result = []
    for table in TABLES:
        if table.name == TRANSLATIONS_TABLE:
            rows = [
                {"id": str(t.id), "service_id": str(t.service_id), "language": t.language,
                 **{f: getattr(t, f) for f in m.ServiceTranslation.TRANSLATED_FIELDS}}
                for t in m.ServiceTranslation.objects.order_by("service_id", "language")
            ]
            result.append((table, list(table.columns), rows))
        elif table.model is not None:
            result.append(_model_table(table))
        else:
            result.append(_extra_table(table, table.columns))
    known = {t.name for t in TABLES}
    for entity in m.ExtraRecord.objects.exclude(entity__in=known).values_list("entity", flat=True).distinct().order_by("entity"):
        table = Table(entity, entity, ["id"], None, ("id",), {}, hsds=False,
                      description="Not an HSDS table: kept as imported.")
        result.append(_extra_table(table, ["id"]))
    return result


def _with_additional(columns: List[str], rows: List[Dict[str, str]]) -> List[str]:
    more = sorted({key for row in rows for key in row} - set(columns))
    return list(columns) + more


def _model_table(table: Table):
    fields = model_columns(table)
    rows = []
    for record in table.model.objects.order_by("id"):
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


def _extra_table(table: Table, columns: List[str]):
    rows = []
    for record in m.ExtraRecord.objects.filter(entity=table.name).order_by("record_id"):
        rows.append({"id": record.record_id, **{k: str(v) for k, v in record.data.items() if k != "id"}})
    return table, _with_additional(columns, rows), rows


def csv_text(columns: List[str], rows: List[Dict[str, str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    return out.getvalue()


def export_zip(target) -> None:
    """Write the package as a zip (file name or binary file object)."""
    tables = collect_tables()
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


def export_xlsx(target) -> None:
    """Write the package as an XLSX workbook, one sheet per table, every cell as text."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils.exceptions import IllegalCharacterError

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for table, columns, rows in collect_tables():
        sheet = workbook.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "_", table.name)[:31] or "sheet")
        header = []
        for column in columns:
            cell = WriteOnlyCell(sheet, value=column)
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
                    cell.data_type = "s"   # text, never a formula or a number
                cells.append(cell)
            sheet.append(cells)
    workbook.save(target)


def export(target, fmt: str) -> None:
    if fmt == "xlsx":
        export_xlsx(target)
    elif fmt == "zip":
        export_zip(target)
    else:
        raise ValueError(f"unknown export format {fmt!r} (zip or xlsx)")
