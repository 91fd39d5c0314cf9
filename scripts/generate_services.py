"""Fill a directory database with N services for benchmarks, by cloning the demo city's services
(with their phones, schedules, languages, documents, locations links and taxonomy attributes).

    DATABASE_URL=sqlite:////tmp/bench.sqlite3 python scripts/generate_services.py 10000

Only for a throw-away database (make bench uses a temporary one): the clones are named
"<demo name> #<n>" and are indistinguishable from real services to the API.
"""

import os
import sys
import uuid
from pathlib import Path

DIRECTORY = Path(__file__).resolve().parents[1] / "directory"
sys.path.insert(0, str(DIRECTORY))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory_site.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from hsds import models as m  # noqa: E402

RELATED = ("phones", "schedules", "languages", "required_documents", "service_at_locations")


def copy_row(row, **changes):
    clone = type(row)()
    for field in row._meta.concrete_fields:
        setattr(clone, field.attname, getattr(row, field.attname))
    clone.id = uuid.uuid4()
    for name, value in changes.items():
        setattr(clone, name, value)
    return clone


def generate(total: int) -> int:
    demo = list(m.Service.objects.all())
    if not demo:
        raise SystemExit("load the demo city first (manage.py bootstrap_directory)")
    related = {name: {} for name in RELATED}
    for name in RELATED:
        for row in getattr(m.Service, name).field.model.objects.filter(service__in=demo):
            related[name].setdefault(row.service_id, []).append(row)
    attributes = {}
    for attribute in m.Attribute.objects.filter(link_entity="service"):
        attributes.setdefault(attribute.link_id, []).append(attribute)

    existing = len(demo)
    created = 0
    batch = {"service": [], "attribute": [], **{name: [] for name in RELATED}}
    with transaction.atomic():
        while existing + created < total:
            source = demo[created % len(demo)]
            service = copy_row(source, name=f"{source.name} #{created + 1}")
            batch["service"].append(service)
            for name in RELATED:
                for row in related[name].get(source.id, []):
                    batch[name].append(copy_row(row, service_id=service.id))
            for attribute in attributes.get(source.id, []):
                batch["attribute"].append(copy_row(attribute, link_id=service.id))
            created += 1
            if len(batch["service"]) >= 500 or existing + created >= total:
                m.Service.objects.bulk_create(batch["service"])
                for name in RELATED:
                    getattr(m.Service, name).field.model.objects.bulk_create(batch[name])
                m.Attribute.objects.bulk_create(batch["attribute"])
                batch = {key: [] for key in batch}
    return m.Service.objects.count()


if __name__ == "__main__":
    print(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
