"""The staff import page shows how far a long import got (issue #13 item 3): the form carries a progress token,
the import writes rows done / total as it goes, the page asks /admin/import/progress/<token>/ (staff only).
In-process, demo city, a generated 211-shaped package."""

import io
import json
import sys
import zipfile

import pytest

from admin_forms import client_for, staff
from servers import ROOT
from django.test import override_settings  # noqa: E402
from hsds import import_views  # noqa: E402
from hsds.tabular.progress import FileProgress  # noqa: E402

pytestmark = pytest.mark.usefixtures("demo_city_database", "rolled_back")
sys.path.insert(0, str(ROOT / "scripts"))
from generate_import_package import write_package  # noqa: E402

TOKEN = "a" * 32


def package_zip(tmp_path) -> io.BytesIO:
    folder = tmp_path / "package"
    write_package(folder, services=120)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in folder.glob("*.csv"):
            archive.write(path, path.name)
    buffer.seek(0)
    buffer.name = "city.zip"
    return buffer


def test_the_form_asks_for_progress_and_only_staff_who_import_may_read_it(tmp_path, monkeypatch):
    monkeypatch.setattr(import_views, "IMPORT_DIR", tmp_path / "imports")
    admin = client_for(staff("ada", "administrator"))
    page = admin.get("/admin/import/").content.decode()
    token = page.split('name="progress" value="', 1)[1].split('"', 1)[0]
    assert len(token) == 32 and f'data-progress-url="/admin/import/progress/{token}/"' in page and "hsds/import_progress.js" in page
    assert token not in admin.get("/admin/import/").content.decode()  # a fresh one each time

    assert admin.get(f"/admin/import/progress/{TOKEN}/").json() == {"stage": "", "done": 0, "total": 0}  # not started
    (tmp_path / "imports").mkdir()
    progress = FileProgress(tmp_path / "imports" / f"{TOKEN}.progress.json")
    progress.set_stage("dry run")
    progress.start(1000)
    progress.done = 250
    progress.show(force=True)
    assert admin.get(f"/admin/import/progress/{TOKEN}/").json() == {"stage": "dry run", "done": 250, "total": 1000}
    assert client_for(staff("vic", "viewer")).get(f"/admin/import/progress/{TOKEN}/").status_code == 403
    assert admin.get("/admin/import/progress/not-a-token/").status_code == 403


@override_settings(CITY_BOUNDS=None, CITY_PHONE_REGION="US")
def test_an_import_reports_its_rows_as_it_goes_then_clears_them(tmp_path, monkeypatch):
    monkeypatch.setattr(import_views, "IMPORT_DIR", tmp_path / "imports")
    seen = []
    show = FileProgress.show

    def recording(self, force=False):  # what the page would read at each write
        show(self, force)
        if self.path.exists():
            seen.append(json.loads(self.path.read_text()))

    monkeypatch.setattr(FileProgress, "show", recording)
    monkeypatch.setattr(FileProgress, "INTERVAL", 0)  # every report written: the test sees each step a page could
    admin = client_for(staff("ada", "administrator"))
    answer = admin.post("/admin/import/", {"file": package_zip(tmp_path), "on_error": "stop", "progress": TOKEN})
    assert answer.status_code == 200 and "Import preview" in answer.content.decode(), answer.content.decode()[:3000]
    seen = [state for state in seen if state["total"]]  # the stage is named before the rows are counted
    totals = {state["total"] for state in seen}
    assert len(totals) == 1 and totals.pop() > 1000, seen  # every row of every table
    done = [state["done"] for state in seen]
    assert done == sorted(done) and 0 < len([d for d in done if 0 < d < seen[-1]["total"]]) and seen[-1]["done"] == seen[-1]["total"]
    assert {state["stage"] for state in seen} == {"dry run"}
    assert admin.get(f"/admin/import/progress/{TOKEN}/").json()["total"] == 0  # finished: nothing left behind
