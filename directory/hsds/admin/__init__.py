"""The staff admin: role-aware (administrator / editor / viewer), audited, nothing ever hard-deleted.

Permissions come from the staff member's role (`hsds.roles`), not from Django's per-model permission
checkboxes: every ModelAdmin here derives from `RoleAwareAdmin`, whose has_*_permission methods ask the
role, and whose querysets are scoped so that an editor's view of the directory is their organisations
only (another organisation's record is a 404). Every save, retire, restore or verification made here
runs inside `audit.acting_as(<staff username>, "admin")`, so the audit trail names the staff member.

The package by subject: `base` (role logic, concurrency), `queries` (what the staff pages ask),
`services`, `filters`, `records` (organisations, locations, taxonomy, audit trail), `crosswalk` (foreign terms ↔ needs), `staff` (accounts).
Importing it registers every ModelAdmin.
"""

from django.contrib import admin

from . import crosswalk, records, services, staff  # noqa: F401  (registration)
from .queries import language_label, missing_translations, stale_cutoff, stale_services, translation_languages  # noqa: F401

admin.site.site_header = "Newcomer services directory"
admin.site.site_title = "Directory staff"
admin.site.index_title = "Keep the directory current"
