"""The service documents (hsds/api/service_documents.py): a page of full services taken from the documents held in
memory is the very page the database gives, in every content language, for less queries; any committed write
(raw SQL on a nested phone number here) is seen by the next page; documents of an older data version are
never served, and a build the data overtakes is given up. Run in a process of its own on a copy of the demo
city, on SQLite and PostgreSQL (the page cache off: every page is worked out)."""

import json
import shutil

import pytest

import django_harness

SNIPPET = """
import json, os, time, types
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from hsds import models as m
from hsds.api import data_version, ranking_facts, service_documents
client = Client(HTTP_HOST='localhost')
QUESTIONS = [{'taxonomy_term_id': 'health', 'rank': 'relevance', 'per_page': 5}, {'rank': 'relevance', 'per_page': 100},
             {'per_page': 100}, {'taxonomy_term_id': 'employment', 'language': 'ar', 'open': 'weekend', 'per_page': 5},
             {'rank': 'relevance', 'lat': '47.37', 'lon': '8.54', 'per_page': 5}, {'taxonomy_term_id': 'housing', 'rank': 'relevance', 'page': 2, 'per_page': 2}]
def page(question, lang='en', documents=True):
    os.environ['DIRECTORY_SERVICE_DOCUMENTS'] = '20000' if documents else '0'
    with CaptureQueriesContext(connection) as queries:
        response = client.get('/api/services', {**question, 'lang': lang, 'full': 'true'})
    assert response.status_code == 200, response.content[:300]
    return response.json()['contents'], len(queries)
def ready(count):  # the documents (and ranking facts) of the current version, read in the background after a change
    started = time.monotonic()
    while time.monotonic() - started < 30:
        page({'per_page': 1})
        held = service_documents._held['documents']
        if held.version == data_version.current() and len(held.json) == count and ranking_facts.current(types.SimpleNamespace()) is not None:
            return round(time.monotonic() - started, 2)
        time.sleep(0.05)
    return None
started = time.monotonic()
while data_version.current() is None and time.monotonic() - started < 5:  # PostgreSQL: the listener connects
    time.sleep(0.05)
services = m.Service.objects.count()
# Translations (the demo city has none): names, descriptions and, by position, document names (the first one left
# to the default text), for a service with documents and two others.
documented = m.RequiredDocument.objects.values_list('service_id', flat=True).first()
for target in {documented, *m.Service.objects.order_by('name').values_list('id', flat=True)[:2]}:
    for lang in settings.CONTENT_LANGUAGES:
        if lang != settings.DEFAULT_CONTENT_LANGUAGE:
            m.ServiceTranslation.objects.create(service_id=target, language=lang, name=f'{lang}: name', description=f'{lang}: description', required_documents=f'\\n{lang}: second document')
steps = {'services': services, 'ready': ready(services), 'pages': {}, 'translated': {}}
for lang in settings.CONTENT_LANGUAGES:
    for n, question in enumerate(QUESTIONS):
        held, held_queries = page(question, lang)
        rendered, rendered_queries = page(question, lang, documents=False)
        steps['pages'][f'{lang} {n}'] = [held == rendered, len(held), held_queries, rendered_queries]
    english = {s['id']: s for s in page(QUESTIONS[1])[0]}
    translated = [s for s in page(QUESTIONS[1], lang)[0] if s != english[s['id']]]
    steps['translated'][lang] = [len(translated), sum(d.get('document', '').startswith(lang) for s in translated for d in s['required_documents'])]

# A nested phone number changed by raw SQL: the next page shows it (PostgreSQL: once its notification arrived).
first = page(QUESTIONS[0])[0][0]
phone = m.Phone.objects.filter(service_id=first['id']).first()
with connection.cursor() as cursor:
    cursor.execute('UPDATE hsds_phone SET number = %s WHERE id = %s', ['+41 44 000 00 00', phone.id.hex if connection.vendor == 'sqlite' else phone.id])
started, shown = time.monotonic(), []
while time.monotonic() - started < 2 and '+41 44 000 00 00' not in shown:
    shown = [p['number'] for p in page(QUESTIONS[0])[0][0]['phones']]
steps['phone'] = ['+41 44 000 00 00' in shown, round(time.monotonic() - started, 3)]
steps['ready again'] = ready(services)
held, held_queries = page(QUESTIONS[0])
steps['phone from documents'] = [[p['number'] for p in held[0]['phones']], held_queries, page(QUESTIONS[0], documents=False)[1]]

# A build the data overtakes is given up: the old version's documents are never served.
rendering = service_documents.render
def render_and_write(rows):
    service_documents.render = rendering
    with connection.cursor() as cursor:
        cursor.execute('UPDATE hsds_service SET name = %s WHERE id = %s', [first['name'] + ' (during the build)', first['id'].replace('-', '') if connection.vendor == 'sqlite' else first['id']])
    if connection.vendor == 'postgresql':
        time.sleep(0.5)  # its notification arrives
    return rendering(rows)
service_documents.render = render_and_write
service_documents.BATCH = 2
with connection.cursor() as cursor:  # a change, so that a new build starts
    cursor.execute('UPDATE hsds_service SET name = name WHERE id = %s', [first['id'].replace('-', '') if connection.vendor == 'sqlite' else first['id']])
if connection.vendor == 'postgresql':
    time.sleep(0.5)
os.environ['DIRECTORY_SERVICE_DOCUMENTS'] = '20000'
assert service_documents._building.acquire(timeout=30)
service_documents._build()
held = service_documents._held['documents']
names = [s['name'] for s in page(QUESTIONS[0])[0]]
steps['overtaken'] = [len(held.json), held.version != data_version.current(), first['name'] + ' (during the build)' in names]
print(json.dumps({'vendor': connection.vendor, 'counts': steps}))
"""


@pytest.fixture
def database_copy(database, tmp_path):
    if database.startswith("sqlite:///"):  # the writes must not reach other tests
        copy = tmp_path / "directory.sqlite3"
        shutil.copy(database[len("sqlite:///") :], copy)
        return f"sqlite:///{copy}"
    return database


def test_pages_from_the_documents_are_the_pages_of_the_database_and_never_stale(database_copy):
    output = django_harness.run_script(SNIPPET, database_copy, timeout=240, env={"DIRECTORY_PAGE_CACHE_SIZE": "0"}).stdout
    result = json.loads(output.strip().splitlines()[-1])
    assert result["vendor"] == ("sqlite" if database_copy.startswith("sqlite:") else "postgresql"), result["vendor"]
    steps = result["counts"]
    assert steps["services"] > 20 and steps["ready"] is not None, steps
    for name, (same, shown, held_queries, rendered_queries) in steps["pages"].items():
        # Equal, not empty, and without the queries for what the services nest (phones, hours, locations, ...).
        # (The 8 relation queries, less SQLite's reads of the data version before and after the page.)
        assert same and shown > 0 and held_queries <= rendered_queries - 6, (name, steps["pages"][name])
    assert steps["pages"]["en 1"][1] == steps["services"], steps["pages"]["en 1"]  # every service compared
    translated = {lang: counts for lang, counts in steps["translated"].items() if lang != "en"}
    assert translated and all(services >= 3 and documents >= 1 for services, documents in translated.values()), translated  # their texts compared too
    assert steps["phone"][0], steps["phone"]
    assert steps["ready again"] is not None and "+41 44 000 00 00" in steps["phone from documents"][0], steps
    assert steps["phone from documents"][1] <= steps["phone from documents"][2] - 6, steps["phone from documents"]
    kept, stale, renamed_shown = steps["overtaken"]
    assert kept <= 2 and stale and renamed_shown, steps["overtaken"]
