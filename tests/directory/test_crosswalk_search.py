"""Search through the crosswalk (issue #13 item 4): a need (`taxonomy_term_id=health-dentist`, or its category `health`) also finds
the services tagged only with a city's own term mapped to it, or with a term below that one; over the real API."""
import pytest
from django.test import Client

pytestmark = pytest.mark.usefixtures("demo_city_database", "rolled_back")


def found(taxonomy_term, **params) -> set:
    response = Client().get("/api/services", {"taxonomy_term_id": taxonomy_term, "per_page": 200, **params})
    assert response.status_code == 200, response.content
    return {service["id"] for service in response.json()["contents"]}


@pytest.fixture
def city_tagged_service():
    """A service tagged only with an AIRS-like term below 'Dental Care' (none of ours): the city's own taxonomy."""
    from hsds.models import Attribute, Service, Taxonomy, TaxonomyTerm

    airs = Taxonomy.objects.create(name="AIRS-like test taxonomy", description="a city's own codes")
    dental = TaxonomyTerm.objects.create(code="LV-1600.1800", name="Dental Care", description="Dental Care", taxonomy=airs)
    below = TaxonomyTerm.objects.create(code="LV-1600.1800-180", name="Emergency Dental Care", description="x", taxonomy=airs, parent=dental)
    service = Service.objects.order_by("id").first()
    Attribute.objects.filter(link_entity="service", link_id=service.id).delete()
    Attribute.objects.create(link_entity="service", link_id=service.id, taxonomy_term=below)
    return str(service.id), dental


def test_a_need_finds_services_tagged_below_a_foreign_term_mapped_to_it(city_tagged_service):
    from hsds.models import CrosswalkMapping, TaxonomyTerm

    service_id, dental = city_tagged_service
    assert service_id not in found("health-dentist") | found("health")
    CrosswalkMapping.objects.create(need=TaxonomyTerm.objects.get(code="health-dentist"), foreign_term=dental, origin="suggested", confidence=0.9)
    assert service_id in found("health-dentist")
    assert service_id in found("health")  # the category holds its child need's mappings
    assert service_id not in found("employment")
