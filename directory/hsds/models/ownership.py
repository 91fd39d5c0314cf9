"""Whose record is this? The organisations a record's references lead to, for the API, the admin,
import and export alike (each model's organization_ids() asks here)."""
import uuid

from hsds import models as m


def organizations_referenced(organization_id=None, service_id=None, location_id=None,
                             service_at_location_id=None, phone_id=None) -> set:
    """The organisations that own the records these references point to (a location without one adds none).

    The one answer to "whose record is this?": a record belongs to every organisation any of its
    references leads to, so a phone of A's service at B's location belongs to A and to B.
    """
    owners = {organization_id if isinstance(organization_id, uuid.UUID) else uuid.UUID(str(organization_id))} if organization_id else set()
    if service_id:
        owners |= set(m.Service.objects.filter(id=service_id).values_list("organization_id", flat=True))
    if location_id:
        owners |= set(m.Location.objects.filter(id=location_id).values_list("organization_id", flat=True))
    if service_at_location_id:
        link = m.ServiceAtLocation.objects.filter(id=service_at_location_id).values_list(
            "service__organization_id", "location__organization_id").first()
        owners |= set(link or ())
    if phone_id:
        phone = m.Phone.objects.filter(id=phone_id).first()
        owners |= phone.organization_ids() if phone is not None else set()
    owners.discard(None)
    return owners


OWNER_COLUMNS = ("organization_id", "service_id", "location_id", "service_at_location_id", "phone_id")


def organizations_of_row(row: dict) -> set:
    """organizations_referenced() for the reference columns of a tabular row of text."""
    references = {}
    for column in OWNER_COLUMNS:
        try:
            references[column] = uuid.UUID(str(row.get(column) or "").strip()) if str(row.get(column) or "").strip() else None
        except ValueError:
            continue
    return organizations_referenced(**references)
