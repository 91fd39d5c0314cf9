"""The directory's web security in its production configuration: behind the city's TLS proxy (which
terminates HTTPS and forwards plain HTTP with X-Forwarded-Proto/-For, as README's "Production" says),
staff can log in to the admin; cookies are secure and HSTS is sent; repeated failed logins are
refused; the chat page and the admin carry a strict Content-Security-Policy; staff passwords are
checked; `manage.py check --deploy` finds nothing to warn about.

The directory here is the real gunicorn process with the production variables (on the test SQLite
database); the requests carry the headers the proxy adds and come from another address than
127.0.0.1, as the proxy's do in a cluster (gunicorn itself trusts X-Forwarded-Proto from 127.0.0.1 only).
"""

import os
import re
import secrets
import shutil
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter

import django_harness
from servers import ROOT, VENV_BIN, ServerProcess, directory_server, free_port

PUBLIC_HOST = "chat.city.example"
PUBLIC_URL = f"https://{PUBLIC_HOST}"
RASA_PUBLIC_URL = "https://chat-api.city.example"
PRODUCTION_ENV = {
    "DIRECTORY_SECRET_KEY": secrets.token_urlsafe(50),
    "DIRECTORY_REQUIRE_SECRET_KEY": "1",
    "DIRECTORY_DEBUG": "0",
    "DIRECTORY_ALLOWED_HOSTS": f"{PUBLIC_HOST},directory,localhost,127.0.0.1",
    "DIRECTORY_PUBLIC_URL": PUBLIC_URL,
    "RASA_PUBLIC_URL": RASA_PUBLIC_URL,
    "DIRECTORY_LOGIN_FAILURES": "3",
}
# What the TLS proxy adds to every request it forwards.
PROXIED = {"Host": PUBLIC_HOST, "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}
STAFF_PASSWORD = "a-long-staff-passphrase-" + secrets.token_hex(4)
MAKE_STAFF = """
import os
from django.contrib.auth.models import User
for name in os.environ['STAFF_NAMES'].split(','):
    User.objects.create_superuser(name, password=os.environ['STAFF_PASSWORD'])
"""


def manage(database_url: str, *args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", *args],
        cwd=ROOT / "directory",
        env={**os.environ, "DATABASE_URL": database_url, **(env or {})},
        capture_output=True,
        text=True,
        timeout=180,
    )


@pytest.fixture(scope="module")
def production_directory(directory_database):
    server = directory_server(directory_database, env=PRODUCTION_ENV).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def staff_names(directory_database):
    names = [f"{role}-{uuid.uuid4().hex[:6]}" for role in ("staff", "locked", "neighbour", "proxied")]
    made = django_harness.run_script(MAKE_STAFF, directory_database, env={"STAFF_NAMES": ",".join(names), "STAFF_PASSWORD": STAFF_PASSWORD}, check=False)
    assert made.returncode == 0, made.stderr
    return dict(zip(("staff", "locked", "neighbour", "proxied"), names))


class FromProxyAddress(HTTPAdapter):
    """Connections from 127.0.0.5: a proxy that is not on the directory's own host."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, source_address=("127.0.0.5", 0), **kwargs)


PROXY = requests.Session()
PROXY.mount("http://", FromProxyAddress())


def cookie(response: requests.Response, name: str) -> str:
    """The Set-Cookie line for one cookie (secure cookies are not replayed by requests over plain HTTP)."""
    for line in response.raw.headers.getlist("Set-Cookie"):
        if line.startswith(name + "="):
            return line
    raise AssertionError(f"no {name} cookie in {response.headers}")


def log_in(server, username: str, password: str, client: str = "203.0.113.7") -> requests.Response:
    headers = {**PROXIED, "X-Forwarded-For": client}
    form = PROXY.get(server.url + "/admin/login/", headers=headers, timeout=10, allow_redirects=False)
    assert form.status_code == 200, form.status_code
    csrf = cookie(form, "csrftoken").split(";")[0].split("=", 1)[1]
    return PROXY.post(
        server.url + "/admin/login/?next=/admin/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": csrf, "next": "/admin/"},
        headers={**headers, "Origin": PUBLIC_URL, "Referer": PUBLIC_URL + "/admin/login/", "Cookie": f"csrftoken={csrf}"},
        timeout=10,
        allow_redirects=False,
    )


# A TLS proxy as the city's Ingress is one: nginx terminating HTTPS with its own certificate, talking
# to the directory from another address (proxy_bind) with the usual forwarded headers.
TLS_PROXY_CONF = """daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log stderr warn;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  server {{
    listen 127.0.0.1:{port} ssl;
    ssl_certificate {dir}/proxy.crt;
    ssl_certificate_key {dir}/proxy.key;
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_bind 127.0.0.5;
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
  }}
}}
"""


@pytest.fixture(scope="module")
def tls_proxy(production_directory):
    folder = Path(tempfile.mkdtemp(prefix="tls-proxy-"))
    folder.chmod(0o755)
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            f"/CN={PUBLIC_HOST}",
            "-addext",
            f"subjectAltName=DNS:{PUBLIC_HOST},IP:127.0.0.1",
            "-keyout",
            str(folder / "proxy.key"),
            "-out",
            str(folder / "proxy.crt"),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    port = free_port()
    (folder / "nginx.conf").write_text(TLS_PROXY_CONF.format(dir=folder, port=port, upstream=production_directory.port), encoding="utf-8")
    nginx = ServerProcess("tls-proxy", [shutil.which("nginx") or "/usr/sbin/nginx", "-c", str(folder / "nginx.conf"), "-p", str(folder), "-e", "stderr"], port, "/", timeout=30)
    nginx.start()  # readiness over plain HTTP: nginx answers it 400
    yield f"https://127.0.0.1:{port}", str(folder / "proxy.crt")
    nginx.stop()
    shutil.rmtree(folder, ignore_errors=True)


def test_staff_log_in_to_the_admin_through_a_real_tls_proxy(tls_proxy, staff_names):
    url, certificate = tls_proxy
    with requests.Session() as browser:
        browser.trust_env = False  # a CA bundle from the environment would replace the proxy's certificate
        browser.verify = certificate
        browser.headers.update({"Host": PUBLIC_HOST})
        form = browser.get(url + "/admin/login/", timeout=10)
        assert form.status_code == 200
        answer = browser.post(
            url + "/admin/login/?next=/admin/",
            data={"username": staff_names["proxied"], "password": STAFF_PASSWORD, "csrfmiddlewaretoken": browser.cookies["csrftoken"], "next": "/admin/"},
            headers={"Origin": PUBLIC_URL, "Referer": PUBLIC_URL + "/admin/login/"},
            timeout=10,
            allow_redirects=False,
        )
        assert answer.status_code == 302, (answer.status_code, re.sub(r"\s+", " ", answer.text)[:300])
        assert next(c for c in browser.cookies if c.name == "sessionid").secure
        assert "Strict-Transport-Security" in form.headers
        admin = browser.get(url + "/admin/", timeout=10, allow_redirects=False)
        assert admin.status_code == 200 and staff_names["proxied"] in admin.text


def test_staff_log_in_to_the_admin_behind_the_tls_proxy(production_directory, staff_names):
    answer = log_in(production_directory, staff_names["staff"], STAFF_PASSWORD)
    assert answer.status_code == 302, (answer.status_code, re.sub(r"\s+", " ", answer.text)[:300])
    assert answer.headers["Location"] == "/admin/"
    session = cookie(answer, "sessionid")
    assert "; Secure" in session and "; HttpOnly" in session, session
    admin = PROXY.get(production_directory.url + "/admin/", headers={**PROXIED, "Cookie": session.split(";")[0]}, timeout=10, allow_redirects=False)
    assert admin.status_code == 200 and "Log out" in admin.text and staff_names["staff"] in admin.text


def test_https_answers_carry_hsts_and_secure_cookies(production_directory):
    page = PROXY.get(production_directory.url + "/admin/login/", headers=PROXIED, timeout=10)
    assert int(re.search(r"max-age=(\d+)", page.headers["Strict-Transport-Security"]).group(1)) >= 31536000
    assert "; Secure" in cookie(page, "csrftoken")


def test_plain_http_pages_redirect_to_https_but_internal_api_calls_do_not(production_directory):
    plain = {"Host": PUBLIC_HOST}
    page = PROXY.get(production_directory.url + "/admin/login/", headers=plain, timeout=10, allow_redirects=False)
    assert page.status_code == 301 and page.headers["Location"] == PUBLIC_URL + "/admin/login/"
    # The action server and the health probes call the API over the cluster's plain HTTP.
    api = PROXY.get(production_directory.url + "/api/services", headers={"Host": "directory"}, timeout=10, allow_redirects=False)
    assert api.status_code == 200 and api.json()["contents"]


def test_repeated_failed_logins_are_refused_for_that_account_and_address(production_directory, staff_names):
    locked = staff_names["locked"]
    for _ in range(3):
        wrong = log_in(production_directory, locked, "not-the-password")
        assert wrong.status_code == 200 and "Please enter the correct username and password" in wrong.text
    refused = log_in(production_directory, locked, STAFF_PASSWORD)
    assert refused.status_code == 200 and "sessionid" not in refused.headers.get("Set-Cookie", "")
    assert "Too many failed logins" in refused.text, re.sub(r"\s+", " ", refused.text)[:500]
    # Neither another account from that address nor that account from another address is locked out.
    assert log_in(production_directory, staff_names["neighbour"], STAFF_PASSWORD).status_code == 302
    assert log_in(production_directory, locked, STAFF_PASSWORD, client="198.51.100.20").status_code == 302


def content_security_policy(response: requests.Response) -> dict:
    header = response.headers.get("Content-Security-Policy", "")
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_the_chat_page_has_a_strict_content_security_policy(production_directory):
    page = PROXY.get(production_directory.url + "/", headers=PROXIED, timeout=10)
    policy = content_security_policy(page)
    assert policy.get("default-src") == ["'none'"], policy
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"], policy
    # The widget talks to Rasa and reads its own i18n.json.
    assert set(policy["connect-src"]) == {"'self'", RASA_PUBLIC_URL}, policy
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'none'"], policy
    # Nothing inline that the policy would block.
    assert not re.search(r"<style|<script(?![^>]*\ssrc=)|\sstyle=|\son\w+=", page.text), page.text


def test_the_admin_has_a_content_security_policy_without_inline_scripts(production_directory):
    page = PROXY.get(production_directory.url + "/admin/login/", headers=PROXIED, timeout=10)
    policy = content_security_policy(page)
    assert policy.get("script-src") == ["'self'"], policy
    assert policy["frame-ancestors"] == ["'none'"] and policy["form-action"] == ["'self'"], policy
    assert not re.search(r"<script(?![^>]*\ssrc=)(?![^>]*application/json)|\son\w+=", page.text), page.text


def test_staff_passwords_must_be_strong(directory_database):
    check = django_harness.run_script(
        (
            "from django.contrib.auth.password_validation import validate_password\n"
            "from django.core.exceptions import ValidationError\n"
            "for password in ('password', 'short-pass1', '12345678901234'):\n"
            "    try:\n"
            "        validate_password(password)\n"
            "        print('ACCEPTED', password)\n"
            "    except ValidationError:\n"
            "        print('REFUSED', password)\n"
        ),
        directory_database,
        env=PRODUCTION_ENV,
        check=False,
    )
    assert check.returncode == 0, check.stderr
    assert "ACCEPTED" not in check.stdout and check.stdout.count("REFUSED") == 3, check.stdout


def deploy_check(database_url: str, **env: str) -> set:
    check = manage(database_url, "check", "--deploy", env={**PRODUCTION_ENV, **env})
    assert check.returncode == 0, check.stderr + check.stdout
    return set(re.findall(r"\((security\.\w+)\)", check.stdout + check.stderr))


def test_check_deploy_finds_nothing_in_the_production_settings(directory_database):
    # HSTS for every subdomain and the browsers' preload list bind the city's whole domain for long:
    # the city opts in (README), so by default only those two are reported.
    assert deploy_check(directory_database) == {"security.W005", "security.W021"}
    opted_in = manage(directory_database, "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION_ENV, "DIRECTORY_HSTS_INCLUDE_SUBDOMAINS": "1", "DIRECTORY_HSTS_PRELOAD": "1"})
    assert opted_in.returncode == 0, opted_in.stderr + opted_in.stdout
    assert "System check identified no issues" in opted_in.stdout, opted_in.stdout
