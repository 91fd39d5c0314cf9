"""No N+1 queries: a page of fully nested services costs the same number of SQL queries whatever
its size (the directory's views prefetch every relation). Counted in a separate process with
Django's CaptureQueriesContext on the test database."""
import json
import subprocess

from servers import ROOT, VENV_BIN

SNIPPET = """
import json, os, sys
sys.path.insert(0, 'directory'); os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'directory_site.settings')
import django; django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
client = Client(HTTP_HOST='localhost')
counts = {}
for path, query in [('/api/services', {'full': 'true'}), ('/api/services', {'taxonomy_term_id': 'health', 'status': 'active', 'full': 'true'}),
                    ('/api/organizations', {}), ('/api/service_at_locations', {'full': 'true'})]:
    for per_page in (2, 20):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path, {**query, 'per_page': per_page}).status_code == 200
        counts[f"{path}?{sorted(query.items())} per_page={per_page}"] = len(queries)
print(json.dumps(counts))
"""


def test_list_pages_cost_a_constant_number_of_queries(directory_database):
    import os

    output = subprocess.run([str(VENV_BIN / "python"), "-c", SNIPPET], cwd=ROOT, env={**os.environ, "DATABASE_URL": directory_database},
                            capture_output=True, text=True, timeout=120, check=True).stdout
    counts = json.loads(output.strip().splitlines()[-1])
    pages = {}
    for key, count in counts.items():
        pages.setdefault(key.rsplit(" per_page=", 1)[0], []).append(count)
    for page, (small, large) in pages.items():
        assert small == large, f"{page}: {small} queries for 2 rows, {large} for 20 (N+1)"
        assert large <= 30, (page, large)
