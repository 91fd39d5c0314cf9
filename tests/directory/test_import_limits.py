"""Declared-size workbook bombs and oversized uploads are refused in plain words without hanging or
swelling the process (README, "Import and export"). In-process, in a throw-away database with the demo city."""

import io
import re
import subprocess
import zipfile
from pathlib import Path

import pytest

import django_harness
from admin_forms import User, client_for
from django.test import override_settings  # noqa: E402
from hsds import import_views  # noqa: E402

pytestmark = pytest.mark.usefixtures("demo_city_database", "rolled_back")


BOMB_SCRIPT = r"""
import sys, time
from hsds import tabular
start = time.monotonic()
try:
    package = tabular.read_package(sys.argv[1])
    outcome = "read " + ",".join(f"{n}:{len(s.header)}x{len(s.rows)}" for n, s in package.sheets.items())
except tabular.PackageError as error:
    outcome = "refused " + str(error)
print(outcome)
# VmHWM, not ru_maxrss: Linux keeps ru_maxrss across exec, so it would report the (large) test process.
peak_kb = int(next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1])
print(round(time.monotonic() - start, 2), peak_kb // 1024)
"""


def crafted_workbook(path: Path, rows: int, last_row_number: int = 0) -> Path:
    """A small workbook whose sheet declares A1:XFD1048576 (and optionally a lone cell far below)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "services"
    sheet.append(["id", "name"])
    for n in range(rows):
        sheet.append([f"s-{n}", f"Service {n}"])
    plain = path.with_suffix(".plain.xlsx")
    workbook.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                text, declared = re.subn(r'<dimension ref="[^"]*" ?/>', '<dimension ref="A1:XFD1048576"/>', data.decode())
                assert declared == 1
                if last_row_number:
                    text = text.replace("</sheetData>", f'<row r="{last_row_number}"><c r="A{last_row_number}" t="inlineStr">' f"<is><t>x</t></is></c></row></sheetData>")
                data = text.encode()
            target.writestr(item, data)
    return path


def read_in_child(path: Path):
    """read_package in a child process: a bomb must not hang or swell the test process itself."""
    try:
        done = django_harness.run_script(BOMB_SCRIPT, None, str(path), timeout=60, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail("reading the workbook took more than 60 s")
    assert done.returncode == 0, done.stderr[-2000:]
    outcome, measures = done.stdout.strip().splitlines()[-2:]
    seconds, megabytes = measures.split()
    return outcome, float(seconds), int(megabytes)


def test_a_declared_size_bomb_is_read_at_its_real_size(tmp_path):
    bomb = crafted_workbook(tmp_path / "bomb.xlsx", rows=300)
    assert bomb.stat().st_size < 20_000
    outcome, seconds, megabytes = read_in_child(bomb)
    assert outcome == "read services:2x300"
    assert seconds < 5 and megabytes < 300, (seconds, megabytes)


def test_a_workbook_with_too_many_rows_is_refused_in_plain_words(tmp_path):
    bomb = crafted_workbook(tmp_path / "far.xlsx", rows=3, last_row_number=1_048_576)
    outcome, seconds, megabytes = read_in_child(bomb)
    assert outcome == "refused Sheet services has more than 200,000 rows; split it into smaller files."
    assert seconds < 10 and megabytes < 300, (seconds, megabytes)


class CountingInput(io.BytesIO):
    """The request body as the server receives it; counts what the application reads of it."""

    def __init__(self, data):
        super().__init__(data)
        self.taken = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.taken += len(chunk)
        return chunk

    def readline(self, size=-1):
        chunk = super().readline(size)
        self.taken += len(chunk)
        return chunk


@override_settings(IMPORT_MAX_UPLOAD_BYTES=1024 * 1024)
def test_an_oversized_upload_is_refused_before_its_body_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(import_views, "IMPORT_DIR", tmp_path / "imports")
    editor_client = client_for(User.objects.create_superuser("root", password="pw-root"))
    boundary = "BoUnDaRy"
    body = (
        (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.zip"\r\n' f"Content-Type: application/zip\r\n\r\n").encode()
        + b"P" * (2 * 1024 * 1024)
        + f"\r\n--{boundary}--\r\n".encode()
    )
    stream = CountingInput(body)
    response = editor_client.generic("POST", "/admin/import/", b"", content_type=f"multipart/form-data; boundary={boundary}", **{"wsgi.input": stream, "CONTENT_LENGTH": str(len(body))})
    assert response.status_code == 413
    assert "larger than 1 MB, the largest the directory accepts; nothing was read" in response.content.decode()
    assert stream.taken == 0
    assert not (tmp_path / "imports").exists()
    # A file under the limit still reaches the import page (and its plain-words checks).
    small = io.BytesIO(b"not a zip")
    small.name = "small.zip"
    assert "neither a zip of CSV files" in editor_client.post("/admin/import/", {"file": small}).content.decode()
