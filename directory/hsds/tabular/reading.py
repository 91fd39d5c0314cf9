"""Read an HSDS tabular package: a zip of CSV files, a directory of CSV files, an XLSX workbook (or one CSV file).

A package's datapackage.json names its CSV files; when it is missing or not valid JSON (the official
example's is a symlink stored as text), the CSV files are read by their HSDS table names.
Every cell comes back as text; row numbers are those a spreadsheet shows (the header is row 1).
CSV cells lose the apostrophe the export put before formula-like text; a workbook's declared size is
ignored (rows as wide as the header, at most MAX_SHEET_ROWS of them).
"""

import csv
import io
import json
import posixpath
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Dict, List, Optional

from .cell_text import restored
from .tables import lookup

MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 500
# A workbook's declared size (its <dimension>) is not trusted: a 1.5 KB file may declare A1:XFD1048576.
MAX_SHEET_ROWS = 200_000
MAX_COLUMNS = 200
csv.field_size_limit(16 * 1024 * 1024)


class PackageError(Exception):
    """The file cannot be read as a package at all (plain words for staff)."""


@dataclass
class Sheet:
    name: str  # table name, e.g. "phones"
    source: str  # what staff call it in messages: "phones.csv" or sheet "phones"
    header: List[str]
    rows: List[tuple]  # (row number, {column: text})
    problems: List[tuple] = field(default_factory=list)  # (row number, message)


@dataclass
class Package:
    sheets: Dict[str, Sheet] = field(default_factory=dict)
    notes: List[str] = field(default_factory=list)  # warnings about the package as a whole


def read_package(path) -> Package:
    path = Path(path)
    if path.is_dir():
        return _read_files(_DirectorySource(path))
    if not path.exists():
        raise PackageError(f"{path} does not exist.")
    if path.suffix.lower() == ".csv":  # one table on its own, named by its file name
        return _read_files(_SingleFileSource(path))
    with open(path, "rb") as handle:
        magic = handle.read(4)
    if magic[:2] != b"PK":
        raise PackageError(f"{path.name} is neither a zip of CSV files nor an XLSX workbook (nor a folder of CSV files).")
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise PackageError(f"{path.name} is a damaged zip file.")
    with archive:
        names = archive.namelist()
        if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
            if sum(i.file_size for i in archive.infolist()) > MAX_UNCOMPRESSED_BYTES:
                raise PackageError(f"{path.name} is too large once unpacked (more than 200 MB).")
            return _read_workbook(path)
        return _read_files(_ZipSource(archive))


class _DirectorySource:
    def __init__(self, root: Path):
        self.root = root

    def names(self) -> List[str]:
        return sorted(p.name for p in self.root.iterdir() if p.is_file())

    def read(self, name: str) -> Optional[bytes]:
        target = (self.root / name).resolve()
        if self.root.resolve() not in target.parents or not target.is_file():
            return None
        return target.read_bytes()


class _SingleFileSource:
    def __init__(self, path: Path):
        self.path = path

    def names(self) -> List[str]:
        return [self.path.name]

    def read(self, name: str) -> Optional[bytes]:
        return self.path.read_bytes() if name == self.path.name else None


class _ZipSource:
    """Members of a zip; the package may sit in one top-level folder."""

    def __init__(self, archive: zipfile.ZipFile):
        infos = [i for i in archive.infolist() if not i.is_dir() and not i.filename.startswith("__MACOSX/")]
        if len(infos) > MAX_MEMBERS:
            raise PackageError(f"The zip file has {len(infos)} files; a package has at most {MAX_MEMBERS}.")
        if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED_BYTES:
            raise PackageError("The zip file is too large once unpacked (more than 200 MB).")
        self.archive = archive
        prefixes = {posixpath.dirname(i.filename) for i in infos if i.filename.lower().endswith((".csv", ".json"))}
        self.prefix = min(prefixes, key=len) if prefixes else ""
        self.members = {posixpath.relpath(i.filename, self.prefix) if self.prefix else i.filename: i for i in infos}

    def names(self) -> List[str]:
        return sorted(self.members)

    def read(self, name: str) -> Optional[bytes]:
        name = posixpath.normpath(name)
        info = self.members.get(name)
        return self.archive.read(info) if info is not None else None


def _resource_paths(source, package: Package) -> Dict[str, str]:
    """table name -> file name, from datapackage.json when it is usable, else from the file names."""
    found: Dict[str, str] = {}
    raw = source.read("datapackage.json")
    if raw is not None:
        try:
            descriptor = json.loads(raw.decode("utf-8-sig"))
            resources = descriptor["resources"]
            if not isinstance(resources, list):
                raise TypeError
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            package.notes.append("datapackage.json is not a valid package descriptor; the CSV files are read by their HSDS table names.")
        else:
            for resource in resources:
                if not isinstance(resource, dict):
                    continue
                path = resource.get("path")
                if isinstance(path, list) and len(path) == 1:
                    path = path[0]
                if not isinstance(path, str) or "://" in path or path.startswith("/") or ".." in path.split("/"):
                    package.notes.append(f"datapackage.json: resource '{resource.get('name', '?')}' has no local path; skipped.")
                    continue
                table = lookup(str(resource.get("name") or "")) or lookup(path)
                key = table.name if table else posixpath.splitext(posixpath.basename(path))[0]
                found[key] = path
    for name in source.names():
        if name.lower().endswith(".csv"):
            table = lookup(name)
            key = table.name if table else posixpath.splitext(posixpath.basename(name))[0]
            found.setdefault(key, name)
    return found


def _read_files(source) -> Package:
    package = Package()
    for key, name in _resource_paths(source, package).items():
        raw = source.read(name)
        if raw is None:
            package.notes.append(f"datapackage.json names {name}, which is not in the package.")
            continue
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
            package.notes.append(f"{posixpath.basename(name)} is not UTF-8 text; it was read as Windows-1252 (save CSV files as UTF-8).")
        records = list(csv.reader(io.StringIO(text, newline="")))
        records[1:] = [[restored(cell) for cell in cells] for cells in records[1:]]  # undo the export's formula guard
        package.sheets[key] = _sheet(key, posixpath.basename(name), records)
    if not package.sheets:
        raise PackageError("No CSV files found (an HSDS package has files such as organizations.csv and services.csv).")
    return package


def _sheet(key: str, source: str, records: List[list]) -> Sheet:
    if not records:
        return Sheet(key, source, [], [])
    header = [str(h).strip().lower() for h in records[0]]
    sheet = Sheet(key, source, header, [])
    for index, cells in enumerate(records[1:], start=2):
        cells = ["" if c is None else c for c in cells]
        if not any(str(c).strip() for c in cells):
            continue
        if len(cells) > len(header) and any(str(c).strip() for c in cells[len(header) :]):
            sheet.problems.append((index, f"the row has {len(cells)} values but the header has only {len(header)} columns"))
        row = {column: cells[i] if i < len(cells) else "" for i, column in enumerate(header) if column}
        sheet.rows.append((index, row))
    return sheet


def cell_text(value) -> str:
    """An XLSX cell as the text a CSV file would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)


def _read_workbook(path: Path) -> Package:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for damaged files
        raise PackageError(f"{path.name} could not be read as an XLSX workbook ({error.__class__.__name__}).")
    package = Package()
    try:
        for worksheet in workbook.worksheets:
            table = lookup(worksheet.title)
            key = table.name if table else worksheet.title.strip()
            if key.lower() in {"readme", "datapackage", "about"}:
                continue
            package.sheets[key] = _sheet(key, f"sheet {worksheet.title}", _worksheet_records(worksheet))
    finally:
        workbook.close()
    if not package.sheets:
        raise PackageError(f"{path.name} has no sheets named after HSDS tables (organizations, services, ...).")
    return package


def _worksheet_records(worksheet) -> List[list]:
    """The sheet's rows as text, as wide as its header (+1 to notice values beyond it), at most MAX_SHEET_ROWS."""
    worksheet.reset_dimensions()  # pad rows to the cells that are there, not to the declared size
    header = next(worksheet.iter_rows(max_row=1, max_col=MAX_COLUMNS + 1, values_only=True), ())
    header = [cell_text(v) for v in header]
    while header and not header[-1].strip():
        header.pop()
    if len(header) > MAX_COLUMNS:
        raise PackageError(f"Sheet {worksheet.title} has more than {MAX_COLUMNS} columns; an HSDS table has at most about 25.")
    if not header:
        return []
    records = [header]
    for number, row in enumerate(worksheet.iter_rows(min_row=2, max_col=len(header) + 1, values_only=True), start=2):
        if number > MAX_SHEET_ROWS:
            raise PackageError(f"Sheet {worksheet.title} has more than {MAX_SHEET_ROWS:,} rows; split it into smaller files.")
        records.append([cell_text(v) for v in row])
    return records
