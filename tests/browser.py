"""What the browser tests share: Debian's Chromium driven by Playwright (no download), and staff accounts made
with the documented command (`create_staff`) against a test server's database."""

import contextlib
import os
import subprocess
from typing import Iterator, Optional

from playwright.sync_api import Browser, sync_playwright

from servers import ROOT, VENV_BIN

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@contextlib.contextmanager
def chromium_browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def create_staff(database_url: str, username: str, password: str, role: str, organization: Optional[str] = None) -> str:
    """`manage.py create_staff` (the password through the environment, as documented); its output."""
    command = [str(VENV_BIN / "python"), "manage.py", "create_staff", username, "--role", role, "--email", f"{username}@city.example", "--password-from-env", "E2E_STAFF_PASSWORD"]
    if organization:
        command[6:6] = ["--organization", organization]
    result = subprocess.run(command, cwd=ROOT / "directory", env={**os.environ, "DATABASE_URL": database_url, "E2E_STAFF_PASSWORD": password}, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout
