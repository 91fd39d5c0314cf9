"""A city brings its own taxonomy (issue #13 item 4): on import, each of its terms nobody has mapped gets a
suggested need (a recognised code, else the meaning of its name by the assistant's sentence embeddings);
confident ones are mapped, listed for review and used by the search at once; the rest wait on the staff's
"not mapped" page with their best guess. In-process, demo city, real import and admin."""

import pytest

from admin_forms import client_for, staff
from import_files import write_table
from django.test import Client  # noqa: E402
from hsds import audit, tabular  # noqa: E402
from hsds import models as m  # noqa: E402

pytestmark = pytest.mark.usefixtures("demo_city_database", "rolled_back")

TAXONOMY = "5a1c0000-0000-4000-8000-000000000001"
TERMS = {  # id: (code, name, description)
    "5a1c0000-0000-4000-8000-000000000011": ("BH-1800.8500", "Homeless Shelter", "Temporary accommodation for people who are homeless."),
    "5a1c0000-0000-4000-8000-000000000012": ("C-204", "Dental clinics", "Check-ups, fillings and extractions at low cost."),
    "5a1c0000-0000-4000-8000-000000000013": ("C-311", "Cursos de idioma", "Cursos del idioma local para recién llegados."),
    "5a1c0000-0000-4000-8000-000000000014": ("C-999", "Pet grooming", "Washing and trimming dogs and cats."),
}
SERVICE, ORGANIZATION = "5a1c0000-0000-4000-8000-000000000021", "5a1c0000-0000-4000-8000-000000000022"


def found(need: str) -> set:
    response = Client(HTTP_HOST="localhost").get("/api/services", {"taxonomy_term_id": need, "per_page": 200})
    assert response.status_code == 200, response.content
    return {service["id"] for service in response.json()["contents"]}


@pytest.fixture
def city_package(tmp_path):
    folder = tmp_path / "city"
    write_table(folder, "organizations", ["id", "name", "description"], [{"id": ORGANIZATION, "name": "Harbour Dental Trust", "description": "Dental care."}])
    write_table(folder, "services", ["id", "organization_id", "name", "status"], [{"id": SERVICE, "organization_id": ORGANIZATION, "name": "Harbour Dental Clinic", "status": "active"}])
    write_table(folder, "taxonomies", ["id", "name", "description"], [{"id": TAXONOMY, "name": "City categories", "description": "The city's own."}])
    write_table(
        folder,
        "taxonomy_terms",
        ["id", "code", "name", "description", "taxonomy_id"],
        [{"id": i, "code": c, "name": n, "description": d or n, "taxonomy_id": TAXONOMY} for i, (c, n, d) in TERMS.items()],
    )
    dental = next(i for i, (c, *_) in TERMS.items() if c == "C-204")
    write_table(
        folder,
        "attributes",
        ["id", "link_id", "taxonomy_term_id", "link_entity"],
        [{"id": "5a1c0000-0000-4000-8000-000000000031", "link_id": SERVICE, "taxonomy_term_id": dental, "link_entity": "service"}],
    )
    return folder


def test_an_import_maps_its_terms_and_the_assistants_needs_find_its_services_at_once(city_package):
    assert SERVICE not in found("health-dentist")
    report = tabular.apply(city_package, who="importer")
    assert report.applied, report.as_text()
    mapped = {mapping.foreign_term.code: mapping for mapping in m.CrosswalkMapping.objects.select_related("need", "foreign_term")}
    assert mapped["BH-1800.8500"].need.code == "housing-shelter" and mapped["BH-1800.8500"].confidence == 0.95  # a known 211/AIRS code
    assert mapped["C-204"].need.code == "health-dentist"  # by meaning
    assert mapped["C-311"].need.code == "education-language-courses"  # by meaning, in Spanish
    assert "C-999" not in mapped  # pet grooming is none of our needs: left for staff
    assert all(mapping.origin == "suggested" and not mapping.reviewed for mapping in mapped.values())
    assert report.crosswalk == {"mapped": 3, "unmapped": 1} and "Crosswalk: 3 foreign taxonomy term(s) mapped" in report.as_text()
    assert audit.history(mapped["C-204"].pk).filter(updated_by="importer", via="import", last_action_type="create").exists()
    assert SERVICE in found("health-dentist") and SERVICE in found("health") and SERVICE not in found("employment")


def test_staff_review_the_suggestions_and_map_what_was_left_unmapped(city_package):
    tabular.apply(city_package, who="importer")
    admin = client_for(staff("ada", "administrator"))
    unmapped = admin.get("/admin/hsds/taxonomyterm/", {"crosswalk": "unmapped"}).content.decode()
    assert "Pet grooming" in unmapped and "Dental clinics" not in unmapped and "Suggested need" in unmapped
    pets = m.TaxonomyTerm.objects.get(code="C-999")
    assert f"crosswalkmapping/add/?foreign_term={pets.id}&amp;need=" in unmapped  # its best guess, one click to map
    assert "Dental clinics" in admin.get("/admin/hsds/taxonomyterm/", {"crosswalk": "mapped"}).content.decode()
    waiting = admin.get("/admin/hsds/crosswalkmapping/", {"reviewed__exact": "0"}).content.decode()
    assert "Dental clinics" in waiting and "Homeless Shelter" in waiting

    shelter = m.TaxonomyTerm.objects.get(code="housing-shelter")
    answer = admin.post("/admin/hsds/crosswalkmapping/add/", {"need": shelter.id, "foreign_term": pets.id, "reviewed": "on", "loaded_version": ""})
    assert answer.status_code == 302, answer.content[:3000]
    made = m.CrosswalkMapping.objects.get(foreign_term=pets)
    assert (made.origin, made.confidence, made.reviewed) == ("staff", 1.0, True)
    assert audit.history(made.pk).filter(updated_by="ada", via="admin", last_action_type="create").exists()
    assert "Pet grooming" not in admin.get("/admin/hsds/taxonomyterm/", {"crosswalk": "unmapped"}).content.decode()

    dental = m.CrosswalkMapping.objects.get(foreign_term__code="C-204")
    admin.post("/admin/hsds/crosswalkmapping/", {"action": "mark_reviewed", "_selected_action": [dental.pk]})
    dental.refresh_from_db()
    assert dental.reviewed and audit.history(dental.pk).filter(updated_by="ada", field_name="reviewed").exists()


def test_an_editor_may_not_change_the_crosswalk(city_package):
    tabular.apply(city_package, who="importer")
    organization = m.Organization.objects.order_by("name").first()
    editor = client_for(staff("eddie", "editor", [organization]))
    pets, shelter = m.TaxonomyTerm.objects.get(code="C-999"), m.TaxonomyTerm.objects.get(code="housing-shelter")
    assert editor.post("/admin/hsds/crosswalkmapping/add/", {"need": shelter.id, "foreign_term": pets.id}).status_code == 403
    assert not m.CrosswalkMapping.objects.filter(foreign_term=pets).exists()
