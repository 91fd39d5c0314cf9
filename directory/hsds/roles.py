"""Staff roles and object-level scoping, shared by the admin and the write API.

administrator: everything, including staff accounts. editor: reads everything staff can read, but
changes only records that belong wholly to the organisations assigned to them (a record belongs to
every organisation its references lead to: models' organization_ids()). viewer: reads.
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


def organization_ids_of(record) -> set:
    """Every organisation a directory record belongs to (empty for shared records such as taxonomy terms)."""
    owners = getattr(record, "organization_ids", None)
    return owners() if owners is not None else set()


def may_change_records_of(user, owners: set) -> bool:
    """Administrators change anything; editors a record only when every organisation it belongs to is theirs."""
    allowed = editable_organization_ids(user)
    if allowed is None:
        return True
    return bool(owners) and owners <= allowed


def can_change(user, record) -> bool:
    return may_change_records_of(user, organization_ids_of(record))


def may_import(user) -> bool:
    return role_of(user) in (ADMINISTRATOR, EDITOR)


def scope(user, queryset, organization_field: str = "organization_id"):
    """Restrict a staff queryset to what `user` may see."""
    visible = visible_organization_ids(user)
    if visible is None:
        return queryset
    return queryset.filter(Q(**{f"{organization_field}__in": visible}))
