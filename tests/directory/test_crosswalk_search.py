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


@pytest.mark.parametrize("where", [{}, {"lat": "46.2", "lon": "6.15"}], ids=["sorted-by-the-database", "sorted-with-distance"])
def test_a_city_term_mapped_to_the_need_asked_for_ranks_as_that_need_itself(city_tagged_service, where):
    """`rank=relevance` puts the services linked to the very term asked for first; a city's term mapped to it counts as it."""
    from hsds.models import Attribute, CrosswalkMapping, TaxonomyTerm

    service_id, dental = city_tagged_service
    Attribute.objects.filter(link_entity="service", link_id=service_id).update(taxonomy_term=dental)
    health = TaxonomyTerm.objects.get(code="health")
    CrosswalkMapping.objects.create(need=health, foreign_term=dental, origin="staff", confidence=1.0)
    response = Client().get("/api/services", {"taxonomy_term_id": "health", "rank": "relevance", "per_page": 200, **where})
    ranked = [service["id"] for service in response.json()["contents"]]
    tagged_health = {str(i) for i in Attribute.objects.filter(link_entity="service", taxonomy_term=health).values_list("link_id", flat=True)}
    others = [i for i in ranked if i not in tagged_health and i != service_id]
    assert others and service_id in ranked and ranked.index(service_id) < ranked.index(others[0])
    CrosswalkMapping.objects.all().delete()
    unmapped = [service["id"] for service in Client().get("/api/services", {"taxonomy_term_id": "health", "rank": "relevance", "per_page": 200}).json()["contents"]]
    assert service_id not in unmapped  # without the mapping, the need does not find it at all
