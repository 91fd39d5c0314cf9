"""Staff pages for HSDS bulk import and export (/admin/import/, /admin/export/).

Import: upload → dry-run preview (counts per table, row errors in plain words) → Apply. Between
preview and apply the upload is kept under var/imports/ with a random name bound to the staff
member's session, and deleted after the apply (or at once when the preview found errors).
Administrators and editors may import (editors only rows of their own organisations); every staff
role may export what it may read (tabular.exporting.Scope).
"""

import io
import json
import logging
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_http_methods, require_POST

from . import roles, tabular
from .tabular import skipping
from .tabular.progress import FileProgress, Progress

log = logging.getLogger(__name__)
IMPORT_DIR = Path(getattr(settings, "IMPORT_UPLOAD_DIR", settings.PROJECT_DIR / "var" / "imports"))
KEEP_SECONDS = 24 * 3600
SESSION_KEY = "hsds_import_uploads"
REPORTS_KEY = "hsds_import_skipped_reports"
SUFFIXES = {".zip": ".zip", ".xlsx": ".xlsx"}


def max_upload_bytes() -> int:
    return settings.IMPORT_MAX_UPLOAD_BYTES


class UploadLimitMiddleware:
    """Refuses (413) a request whose declared body is larger than the largest import, before it is read.

    Django's own limits count only form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) or move big files to disk
    (FILE_UPLOAD_MAX_MEMORY_SIZE); without this a client could stream any size to a temporary file.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > max_upload_bytes():
            return HttpResponse(
                f"The upload is larger than {max_upload_bytes() // (1024 * 1024)} MB, the largest the directory accepts; "
                f"nothing was read. Split the package or ask an administrator to raise IMPORT_MAX_UPLOAD_MB.",
                status=413,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)


def _progress_path(token: str) -> Path:
    return IMPORT_DIR / f"{token}.progress.json"


def _valid_progress_token(token: str) -> bool:
    return 16 <= len(token) <= 64 and token.isalnum()


def _progress(request) -> Progress:
    """Where this import reports how far it got (the page polls import_progress); none without a token."""
    token = request.POST.get("progress", "")
    if not _valid_progress_token(token):
        return Progress()
    IMPORT_DIR.mkdir(parents=True, exist_ok=True)
    return FileProgress(_progress_path(token))


def import_progress(request, token: str):
    """{"stage", "done", "total"} of the import the page with this token started (zeros before and after)."""
    if not roles.may_import(request.user) or not _valid_progress_token(token):
        raise PermissionDenied("Only administrators and editors may import.")
    try:
        return JsonResponse(json.loads(_progress_path(token).read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError):
        return JsonResponse({"stage": "", "done": 0, "total": 0})


def _context(request, **extra):
    """What every staff import page shows; a fresh progress token for the form on it (import_progress)."""
    return {**admin.site.each_context(request), "progress_token": secrets.token_hex(16), **extra}


def _upload_path(token: str, suffix: str) -> Path:
    return IMPORT_DIR / f"{token}{suffix}"


def _forget_old_uploads() -> None:
    """Uploads previewed but never applied are removed after a day."""
    if not IMPORT_DIR.exists():
        return
    limit = time.time() - KEEP_SECONDS
    for item in IMPORT_DIR.iterdir():
        try:
            if item.is_file() and item.stat().st_mtime < limit:
                item.unlink()
        except OSError:
            pass


def _delete(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _who(request) -> str:
    return request.user.get_username()


@require_http_methods(["GET", "POST"])
def import_page(request):
    if not roles.may_import(request.user):
        raise PermissionDenied("Only administrators and editors may import.")
    if request.method == "GET":
        return render(request, "staff/import.html", _context(request, title="Import HSDS data"))
    upload = request.FILES.get("file")
    problem = None
    suffix = Path(upload.name).suffix.lower() if upload else ""
    if upload is None:
        problem = "Choose a file to import."
    elif suffix not in SUFFIXES:
        problem = f"'{upload.name}' is neither a .zip of CSV files nor an .xlsx workbook."
    elif upload.size > max_upload_bytes():
        problem = f"'{upload.name}' is larger than {max_upload_bytes() // (1024 * 1024)} MB."
    if problem:
        return render(request, "staff/import.html", _context(request, title="Import HSDS data", problem=problem), status=400)
    _forget_old_uploads()
    IMPORT_DIR.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(16)
    stored = _upload_path(token, SUFFIXES[suffix])
    with open(stored, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    stored.chmod(0o600)
    skip = request.POST.get("on_error") == "skip"
    try:
        report = _import(stored, request, skip, commit=False)
    except tabular.PackageError as error:
        _delete(stored)
        return render(request, "staff/import.html", _context(request, title="Import HSDS data", problem=str(error)), status=400)
    except Exception:
        _delete(stored)
        raise
    applicable = report.ok and report.changes > 0
    if applicable:
        uploads = request.session.get(SESSION_KEY, {})
        uploads[token] = {"suffix": SUFFIXES[suffix], "name": upload.name[:200], "skip": skip}
        request.session[SESSION_KEY] = uploads
    else:
        _delete(stored)  # errors, or nothing to change: nothing to keep
    return render(
        request,
        "staff/import_preview.html",
        _context(
            request,
            title="Import preview",
            report=report,
            token=token if applicable else "",
            filename=upload.name,
        ),
    )


@require_POST
def import_apply(request):
    if not roles.may_import(request.user):
        raise PermissionDenied("Only administrators and editors may import.")
    token = request.POST.get("token", "")
    uploads = request.session.get(SESSION_KEY, {})
    entry = uploads.get(token)
    if entry is None or not token.isalnum():
        return render(
            request,
            "staff/import.html",
            _context(
                request,
                title="Import HSDS data",
                problem="That preview is no longer available (already applied, or expired). Upload the file again.",
            ),
            status=400,
        )
    stored = _upload_path(token, entry["suffix"])
    try:
        if not stored.exists():
            raise tabular.PackageError("The uploaded file is no longer on the server. Upload it again.")
        report = _import(stored, request, entry.get("skip", False), commit=True)
        report_token = _keep_skipped_report(request, report) if report.applied else ""
    except tabular.PackageError as error:
        return render(request, "staff/import.html", _context(request, title="Import HSDS data", problem=str(error)), status=400)
    finally:
        _delete(stored)
        uploads.pop(token, None)
        request.session[SESSION_KEY] = uploads
    log.info("HSDS import by %s of %s: applied=%s, %d change(s), %d error(s)", _who(request), entry["name"], report.applied, report.changes, len(report.errors))
    return render(
        request,
        "staff/import_preview.html",
        _context(
            request,
            title="Import applied" if report.applied else "Import not applied",
            report=report,
            token="",
            filename=entry["name"],
            report_token=report_token,
        ),
        status=200 if report.applied else 409,
    )


def _import(stored: Path, request, skip: bool, commit: bool):
    """All or nothing (the default), or with records that have errors left out (`on_error=skip`)."""
    progress = _progress(request)
    try:
        if skip:
            return skipping.run_skipping(tabular.read_package(stored), user=request.user, who=_who(request), commit=commit, progress=progress)
        progress.set_stage("applying" if commit else "dry run")
        return tabular.run(tabular.read_package(stored), user=request.user, who=_who(request), commit=commit, progress=progress)
    finally:
        progress.close()


def _keep_skipped_report(request, report) -> str:
    """The left-out rows as a CSV file for this staff member's session (removed with old uploads)."""
    if not report.skipped:
        return ""
    token = secrets.token_hex(16)
    path = _upload_path(token, "-skipped.csv")
    with open(path, "w", newline="", encoding="utf-8") as handle:
        skipping.write_skipped_csv(report, handle)
    path.chmod(0o600)
    request.session[REPORTS_KEY] = [*request.session.get(REPORTS_KEY, [])[-9:], token]
    return token


def skipped_report(request, token: str):
    if not roles.may_import(request.user) or token not in request.session.get(REPORTS_KEY, []) or not token.isalnum():
        raise PermissionDenied("That report is not yours or no longer available.")
    path = _upload_path(token, "-skipped.csv")
    if not path.exists():
        return HttpResponseBadRequest("That report is no longer available (reports are kept for a day).")
    response = HttpResponse(path.read_bytes(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="import-left-out-rows.csv"'
    return response


def export_download(request):
    if roles.role_of(request.user) is None:
        raise PermissionDenied("Only directory staff may export.")
    fmt = request.GET.get("format", "zip").lower()
    if fmt not in ("zip", "xlsx"):
        return HttpResponseBadRequest("format must be zip or xlsx")
    content_type = "application/zip" if fmt == "zip" else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    buffer = io.BytesIO()
    tabular.export(buffer, fmt, user=request.user)
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="hsds-directory-{time.strftime("%Y%m%d")}.{fmt}"'
    return response


urlpatterns = [
    path("import/", admin.site.admin_view(import_page), name="hsds-import"),
    path("import/apply/", admin.site.admin_view(import_apply), name="hsds-import-apply"),
    path("import/skipped/<str:token>.csv", admin.site.admin_view(skipped_report), name="hsds-import-skipped"),
    path("import/progress/<str:token>/", admin.site.admin_view(import_progress), name="hsds-import-progress"),
    path("export/", admin.site.admin_view(export_download), name="hsds-export"),
]
