"""Who may write: reads are anonymous; writes need a staff token (DRF TokenAuthentication) of an
administrator or an editor, are throttled per token, and an editor changes only what belongs to the
organisations assigned to them (roles.py decides what belongs to which organisation).
"""

from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import MethodNotAllowed, PermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.throttling import UserRateThrottle

from hsds import roles


def may_write(user) -> bool:
    """Administrators and editors write; viewers (and users without a staff role) only read."""
    return roles.role_of(user) in (roles.ADMINISTRATOR, roles.EDITOR)


class WriteRateThrottle(UserRateThrottle):
    """Writes per token (user): DIRECTORY_WRITE_RATE, e.g. 120/min; reads are not counted."""

    scope = "write"

    def allow_request(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        return super().allow_request(request, view)


class CanWriteDirectory(BasePermission):
    message = "Your account may only read the directory; writing needs an editor or administrator account."

    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return True
        user = request.user
        if user is None or not user.is_authenticated:
            return False  # → 401 (the view has an authenticator)
        return may_write(user)


class TokenForWrites:
    """View mixin: token authentication, permission and throttling for unsafe methods only, so that
    public reads on the same URLs stay anonymous."""

    permission_classes = [CanWriteDirectory]
    throttle_classes = [WriteRateThrottle]

    def get_authenticators(self):
        if self.request.method in SAFE_METHODS:
            return []
        return [TokenAuthentication()]

    def initial(self, request, *args, **kwargs):
        # A method this endpoint lacks (TRACE, DELETE on a collection) is 405 before any authentication.
        if request.method.lower() not in self.http_method_names or not hasattr(self, request.method.lower()):
            raise MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)


def require_administrator(user, message: str) -> None:
    if not roles.is_administrator(user):
        raise PermissionDenied(message)


def writable_organizations(user):
    """None means every organisation; otherwise the ids of the organisations `user` may change."""
    return roles.editable_organization_ids(user)


def require_owner(user, record) -> None:
    """An existing record may be changed only by who may change its organisation's records."""
    if not roles.can_change(user, record):
        raise PermissionDenied(f"This {record._meta.model_name} belongs to an organisation that is not assigned to you.")


def require_assigned(allowed, organization_id, message: str) -> None:
    """`organization_id` must be among `allowed` (from `writable_organizations`; None allows all)."""
    if allowed is not None and organization_id not in allowed:
        raise PermissionDenied(message)
