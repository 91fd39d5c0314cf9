"""Create or update a staff account (role, organisations) and optionally print its API token.

    python directory/manage.py create_staff amira --role editor --organization "Meridian Aid" \
        --email amira@example.org --password-from-env STAFF_PASSWORD --token
"""

import os
import uuid

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from hsds import models as m

ROLES = [choice for choice, _ in m.StaffProfile.Role.choices]


def find_organization(text: str) -> m.Organization:
    """An organisation by id or by name (exact, ignoring case)."""
    try:
        found = m.Organization.objects.filter(id=uuid.UUID(text.strip()))
    except ValueError:
        found = m.Organization.objects.filter(name__iexact=text.strip())
    organizations = list(found[:2])
    if not organizations:
        close = m.Organization.objects.filter(name__icontains=text.strip()[:40]).values_list("name", flat=True)[:5]
        hint = f" Did you mean: {', '.join(repr(n) for n in close)}?" if close else ""
        raise CommandError(f"No organisation named or with id '{text}'.{hint}")
    if len(organizations) > 1:
        raise CommandError(f"Several organisations are named '{text}'; give its id instead.")
    return organizations[0]


class Command(BaseCommand):
    help = "Create or update a staff account for the directory admin (role, organisations) and print its API token."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=ROLES, required=True, help="administrator: everything, staff accounts; editor: only the given organisations; viewer: read only.")
        parser.add_argument(
            "--organization", action="append", default=[], metavar="NAME_OR_ID", help="An organisation an editor may change (name or id); repeat for several. Replaces the current list."
        )
        parser.add_argument("--email", help="The staff member's e-mail (recorded as 'verified by').")
        parser.add_argument("--password-from-env", metavar="VAR", help="Set the password from this environment variable (never on the command line).")
        parser.add_argument("--token", action="store_true", help="Create (or show) the API token for the write API and print it.")

    @transaction.atomic
    def handle(self, *args, username, role, organization, email=None, password_from_env=None, token=False, **options):
        organizations = [find_organization(text) for text in organization]
        if role == m.StaffProfile.Role.EDITOR and not organizations:
            existing = m.StaffProfile.objects.filter(user__username=username, organizations__isnull=False).exists()
            if not existing:
                raise CommandError("An editor needs at least one --organization.")
        password = None
        if password_from_env:
            password = os.environ.get(password_from_env)
            if not password:
                raise CommandError(f"The environment variable {password_from_env} is empty or not set.")

        User = get_user_model()
        if password:
            # The rules of settings.AUTH_PASSWORD_VALIDATORS, as the admin's password forms apply them.
            existing = User.objects.filter(username=username).first()
            try:
                validate_password(password, existing or User(username=username, email=email or ""))
            except ValidationError as error:
                raise CommandError("The password is refused: " + " ".join(error.messages))
        user, created = User.objects.get_or_create(username=username)
        user.is_staff = True  # lets them into the admin; the role decides what they may do there
        user.is_active = True
        if email is not None:
            user.email = email
        if password:
            user.set_password(password)
        elif created:
            user.set_unusable_password()
        user.save()

        profile, _ = m.StaffProfile.objects.get_or_create(user=user)
        profile.role = role
        profile.save()
        if organizations or role != m.StaffProfile.Role.EDITOR:
            profile.organizations.set(organizations)

        names = ", ".join(o.name for o in profile.organizations.all()) or "none"
        self.stdout.write(f"{'Created' if created else 'Updated'} staff account '{username}': {role}; organisations: {names}.")
        if not user.has_usable_password():
            self.stdout.write(f"No password yet: set one with `manage.py changepassword {username}` or --password-from-env VAR.")
        if token:
            api_token, _ = Token.objects.get_or_create(user=user)
            self.stdout.write(f"API token: {api_token.key}")
