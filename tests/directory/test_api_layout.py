"""The API package's structure (issue: organised by resource, one place per concern): parsing the query
reads nothing from the database, no module is larger than about 300 lines, and the API checks the
administrator-or-editor role in one place."""

import json
import re

import django_harness
from servers import ROOT

API = ROOT / "directory" / "hsds" / "api"

PARSE_EVERYTHING = """
import json
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from hsds.api import parameters as p
from hsds.api import pagination
query = QueryDict('taxonomy_term_id=health&parent_id=6f1c3a52-4d0e-4b8a-9a57-1f0f6a6e2c11&taxonomy_id=6f1c3a52-4d0e-4b8a-9a57-1f0f6a6e2c11'
                  '&status=active&modified_after=2026-01-01&search=clinic&language=ar&lat=47&lon=8&proximity=100&full=true&page=2&per_page=5')
with CaptureQueriesContext(connection) as queries:
    parsed = [p.taxonomy_term(query), p.taxonomy_term(query, 'parent_id'), p.uuid_value(query, 'taxonomy_id'), p.statuses(query),
              p.modified_after(query), p.search_text(query), p.spoken_language(query), p.point(query), p.boolean(query, 'full'),
              pagination.page_window(query)]
print(json.dumps({"queries": len(queries), "parsed": [str(x) for x in parsed]}))
"""


def test_parsing_parameters_reads_nothing_from_the_database(directory_database):
    output = django_harness.run_script(PARSE_EVERYTHING, directory_database, timeout=120).stdout
    result = json.loads(output.strip().splitlines()[-1])
    assert result["queries"] == 0, result
    assert "health" in result["parsed"][0] and "(2, 5)" == result["parsed"][-1]


def test_no_api_module_is_much_over_300_lines():
    sizes = {path.name: len(path.read_text(encoding="utf-8").splitlines()) for path in API.glob("*.py")}
    assert len(sizes) >= 10
    assert {name: lines for name, lines in sizes.items() if lines > 320} == {}


def test_the_write_role_is_checked_in_one_place():
    sources = {path.name: path.read_text(encoding="utf-8") for path in API.glob("*.py")}
    checks = {name: len(re.findall(r"roles\.(ADMINISTRATOR|EDITOR|role_of)\b", text)) for name, text in sources.items()}
    assert {name: count for name, count in checks.items() if count} == {"permissions.py": 3}  # role_of, ADMINISTRATOR and EDITOR in may_write
