"""The taxonomy crosswalk's records: a foreign taxonomy's term mapped to one of our newcomer needs (issue #13 item 4).
Many to many, one row per pair, a confidence between 0 and 1, versioned like other edited records."""

import pytest
from django.db import IntegrityError, transaction

pytestmark = pytest.mark.usefixtures("admin_database", "rolled_back")


def foreign(code, name):
    from hsds.models import Taxonomy, TaxonomyTerm

    airs, _ = Taxonomy.objects.get_or_create(name="AIRS-like test taxonomy", defaults={"description": "a city's own codes"})
    return TaxonomyTerm.objects.create(code=code, name=name, description=name, taxonomy=airs)


def need(code):
    from hsds.models import TaxonomyTerm

    return TaxonomyTerm.objects.get(code=code)


def test_a_need_maps_to_many_foreign_terms_and_a_foreign_term_to_several_needs():
    from hsds.models import CrosswalkMapping

    dental, clinic = foreign("LV-1600.1800", "Dental Care"), foreign("LN-1500", "Community Clinics")
    CrosswalkMapping.objects.create(need=need("health-dentist"), foreign_term=dental, origin="suggested", confidence=0.93)
    CrosswalkMapping.objects.create(need=need("health-dentist"), foreign_term=clinic)
    CrosswalkMapping.objects.create(need=need("health"), foreign_term=clinic)
    assert set(need("health-dentist").crosswalk_foreign.values_list("foreign_term__code", flat=True)) == {"LV-1600.1800", "LN-1500"}
    assert set(clinic.crosswalk_needs.values_list("need__code", flat=True)) == {"health-dentist", "health"}
    staff_made = CrosswalkMapping.objects.get(foreign_term=clinic, need__code="health")
    assert (staff_made.origin, staff_made.confidence, staff_made.reviewed) == ("staff", 1.0, False)


def test_the_same_pair_is_mapped_once():
    from hsds.models import CrosswalkMapping

    dental = foreign("LV-1600.1800", "Dental Care")
    CrosswalkMapping.objects.create(need=need("health-dentist"), foreign_term=dental)
    with pytest.raises(IntegrityError), transaction.atomic():
        CrosswalkMapping.objects.create(need=need("health-dentist"), foreign_term=dental)


@pytest.mark.parametrize("confidence", [-0.1, 1.5])
def test_a_confidence_outside_0_to_1_is_refused(confidence):
    from hsds.models import CrosswalkMapping

    with pytest.raises(IntegrityError), transaction.atomic():
        CrosswalkMapping.objects.create(need=need("health-dentist"), foreign_term=foreign("X-1", "x"), confidence=confidence)


def test_an_edit_raises_the_version_that_optimistic_concurrency_checks():
    from hsds.models import CrosswalkMapping

    mapping = CrosswalkMapping.objects.create(need=need("health-dentist"), foreign_term=foreign("LV-1600.1800", "Dental Care"))
    mapping.reviewed = True
    mapping.save()
    assert mapping.version == 2
