"""The staff import page, in a real browser (Debian's Chromium, Playwright): while a large package is checked,
the page shows how many rows are done, in a live region, within the page's Content-Security-Policy."""

import re
import sys
import uuid
import zipfile

import pytest
from playwright.sync_api import expect

from browser import chromium_browser, create_staff
from servers import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
from generate_import_package import write_package  # noqa: E402


@pytest.fixture(scope="module")
def chromium():
    with chromium_browser() as browser:
        yield browser


def test_the_import_page_shows_rows_done_while_it_checks_a_large_package(chromium, directory, directory_database, tmp_path):
    folder = tmp_path / "package"
    write_package(folder, services=2000)  # about 30,000 rows: several seconds of checking
    package = tmp_path / "city.zip"
    with zipfile.ZipFile(package, "w") as archive:
        for path in folder.glob("*.csv"):
            archive.write(path, path.name)
    username, password = f"importer-{uuid.uuid4().hex[:8]}", f"pw-{uuid.uuid4().hex}"
    create_staff(directory_database, username, password, "administrator")
    context = chromium.new_context(viewport={"width": 1280, "height": 1000}, locale="en-GB")
    context.set_default_timeout(60_000)
    context.add_init_script("""window.__violations = [];
        document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));""")
    context.add_init_script("""document.addEventListener('DOMContentLoaded', () => {
        const box = document.querySelector('.import-progress');
        if (!box) return;
        new MutationObserver(() => {
          const seen = JSON.parse(sessionStorage.getItem('progress-seen') || '[]');
          const bar = box.querySelector('progress');
          seen.push({text: box.querySelector('span').textContent, visible: !box.hidden, role: box.getAttribute('role'), value: bar.value, max: bar.max});
          sessionStorage.setItem('progress-seen', JSON.stringify(seen));
        }).observe(box.querySelector('span'), {childList: true, characterData: true, subtree: true});
    });""")
    page = context.new_page()
    try:
        page.goto(f"{directory.url}/admin/import/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        expect(page.locator("#content-main h1")).to_have_text("Import HSDS data")
        progress = page.locator(".import-progress")
        expect(progress).to_be_hidden()
        page.set_input_files("#id_file", str(package))
        # Pressed from the page itself: Playwright's click would wait until the answer replaces the page. What the
        # page shows meanwhile is noted by the observer above (sessionStorage outlives the page).
        page.evaluate("() => document.querySelector('form[data-progress-url] input[type=submit]').click()")
        expect(page.locator("#content-main h1")).to_contain_text("Import preview", timeout=120_000)
        shown = page.evaluate("() => JSON.parse(sessionStorage.getItem('progress-seen') || '[]')")
        texts = [entry["text"] for entry in shown]
        assert texts and all(re.fullmatch(r"dry run: [\d,]+ / [\d,]+ rows", text) for text in texts), shown
        done = [int(text.split(": ")[1].split(" / ")[0].replace(",", "")) for text in texts]
        total = int(texts[0].split(" / ")[1].split()[0].replace(",", ""))
        assert total > 20000 and done == sorted(done) and any(0 < d < total for d in done), shown
        assert all(entry["visible"] and entry["role"] == "status" and entry["value"] <= entry["max"] for entry in shown), shown
        assert page.evaluate("() => window.__violations") == []
    finally:
        context.close()
