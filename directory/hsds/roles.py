"""Staff roles and object-level scoping, shared by the admin and the write API.

administrator: everything, including staff accounts. editor: reads everything staff can read, but
changes only services, locations and phones of the organisations assigned to them. viewer: reads.
"""
from django.db.models import Q

from . import models as m

ADMINISTRATOR, EDITOR, VIEWER = (m.StaffProfile.Role.ADMINISTRATOR, m.StaffProfile.Role.EDITOR, m.StaffProfile.Role.VIEWER)


def role_of(user):
    if user is None or not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return ADMINISTRATOR
    profile = getattr(user, "staff_profile", None)
    return profile.role if profile is not None else None


def is_administrator(user) -> bool:
    return role_of(user) == ADMINISTRATOR


def editable_organization_ids(user):
    """None means every organisation; otherwise the set of organisation ids this user may change."""
    role = role_of(user)
    if role == ADMINISTRATOR:
        return None
    if role == EDITOR:
        return set(user.staff_profile.organizations.values_list("id", flat=True))
    return set()


def visible_organization_ids(user):
    """Editors see only their own organisations' records in the staff tools (others are 404 for them)."""
    role = role_of(user)
    if role in (ADMINISTRATOR, VIEWER):
        return None
    return editable_organization_ids(user)


def organization_of(record):
    """The organisation that owns a directory record (None for shared records such as taxonomy terms)."""
    if isinstance(record, m.Organization):
        return record.id
    if isinstance(record, (m.Service, m.Location)):
        return record.organization_id
    if isinstance(record, (m.Phone, m.Schedule, m.Language, m.RequiredDocument, m.ServiceTranslation, m.ServiceAtLocation)):
        service_id = getattr(record, "service_id", None)
        if service_id:
            return m.Service.objects.filter(id=service_id).values_list("organization_id", flat=True).first()
        location_id = getattr(record, "location_id", None)
        if location_id:
            return m.Location.objects.filter(id=location_id).values_list("organization_id", flat=True).first()
        return getattr(record, "organization_id", None)
    if isinstance(record, m.Address):
        return m.Location.objects.filter(id=record.location_id).values_list("organization_id", flat=True).first()
    return None


def can_change(user, record) -> bool:
    allowed = editable_organization_ids(user)
    if allowed is None:
        return True
    owner = organization_of(record)
    return owner is not None and owner in allowed


def scope(user, queryset, organization_field: str = "organization_id"):
    """Restrict a staff queryset to what `user` may see."""
    visible = visible_organization_ids(user)
    if visible is None:
        return queryset
    return queryset.filter(Q(**{f"{organization_field}__in": visible}))
