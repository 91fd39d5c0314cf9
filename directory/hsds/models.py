"""HSDS 3.0 core entities. Field names follow ../shared/hsds/schema/*.json."""
import uuid

from django.conf import settings
from django.db import connection, models

from . import validation


def organizations_referenced(organization_id=None, service_id=None, location_id=None,
                             service_at_location_id=None, phone_id=None) -> set:
    """The organisations that own the records these references point to (a location without one adds none).

    The one answer to "whose record is this?": a record belongs to every organisation any of its
    references leads to, so a phone of A's service at B's location belongs to A and to B.
    """
    owners = {organization_id if isinstance(organization_id, uuid.UUID) else uuid.UUID(str(organization_id))} if organization_id else set()
    if service_id:
        owners |= set(Service.objects.filter(id=service_id).values_list("organization_id", flat=True))
    if location_id:
        owners |= set(Location.objects.filter(id=location_id).values_list("organization_id", flat=True))
    if service_at_location_id:
        link = ServiceAtLocation.objects.filter(id=service_at_location_id).values_list(
            "service__organization_id", "location__organization_id").first()
        owners |= set(link or ())
    if phone_id:
        phone = Phone.objects.filter(id=phone_id).first()
        owners |= phone.organization_ids() if phone is not None else set()
    owners.discard(None)
    return owners


class HsdsModel(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # HSDS columns this directory has no field for (e.g. `tax_status`), kept so that an import
    # followed by an export loses nothing.
    extra = models.JSONField(default=dict, blank=True, editable=False)
    # The reference fields that make a record belong to organisations (see organization_ids).
    OWNER_FIELDS = ()

    class Meta:
        abstract = True

    def organization_ids(self) -> set:
        """Every organisation this record belongs to; empty for shared records (taxonomies, terms)."""
        return organizations_referenced(**{f"{name}_id": getattr(self, f"{name}_id") for name in self.OWNER_FIELDS})


class Versioned(models.Model):
    """Optimistic concurrency: every save of an edit form or API write must name the version it read."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            self.version += 1
        super().save(*args, **kwargs)


class Organization(HsdsModel, Versioned):
    name = models.CharField(max_length=255)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField()
    email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    uri = models.URLField(blank=True)
    parent_organization = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    last_modified = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def organization_ids(self) -> set:
        return {self.id}


class Service(HsdsModel, Versioned):
    OWNER_FIELDS = ('organization',)
    class Status(models.TextChoices):
        ACTIVE = "active"
        INACTIVE = "inactive"
        DEFUNCT = "defunct"
        TEMPORARILY_CLOSED = "temporarily closed"

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="services")
    name = models.CharField(max_length=255)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    url = models.URLField(blank=True)
    email = models.EmailField(blank=True)
    status = models.CharField(max_length=32, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    interpretation_services = models.TextField(blank=True)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    wait_time = models.CharField(max_length=255, blank=True)
    eligibility_description = models.TextField(blank=True)
    minimum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    maximum_age = models.PositiveSmallIntegerField(null=True, blank=True)
    assured_date = models.DateField(null=True, blank=True, help_text="When staff last checked this service's details.")
    assurer_email = models.EmailField(blank=True, help_text="Who checked it (verified by).")
    alert = models.TextField(blank=True)
    last_modified = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        ordering = ["name"]
        indexes = [
            # The API lists services by name, usually with one status (the assistant asks for active ones):
            # these let the database read a page in order and stop, instead of sorting every match.
            models.Index(fields=["status", "name"], name="hsds_service_status_name"),
            models.Index(fields=["name"], name="hsds_service_name"),
            # Counting the services of a set of ids (the taxonomy filter) with a status, without reading their rows.
            models.Index(fields=["id", "status"], name="hsds_service_id_status"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        validation.check_age_range(self.minimum_age, self.maximum_age)


class Location(HsdsModel, Versioned):
    OWNER_FIELDS = ('organization',)
    class LocationType(models.TextChoices):
        PHYSICAL = "physical"
        POSTAL = "postal"
        VIRTUAL = "virtual"

    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="locations")
    location_type = models.CharField(max_length=16, choices=LocationType.choices, default=LocationType.PHYSICAL)
    url = models.URLField(blank=True)
    name = models.CharField(max_length=255, blank=True)
    alternate_name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    transportation = models.TextField(blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    def __str__(self):
        return self.name or str(self.id)

    def clean(self):
        validation.check_coordinates(self.latitude, self.longitude)


class Address(HsdsModel):
    OWNER_FIELDS = ('location',)
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="addresses")
    attention = models.CharField(max_length=255, blank=True)
    address_1 = models.CharField(max_length=255)
    address_2 = models.CharField(max_length=255, blank=True)
    city = models.CharField(max_length=255)
    region = models.CharField(max_length=255, blank=True, help_text="Neighbourhood or district")
    state_province = models.CharField(max_length=255)
    postal_code = models.CharField(max_length=32)
    country = models.CharField(max_length=2)
    address_type = models.CharField(max_length=16, choices=Location.LocationType.choices, default="physical")

    class Meta:
        verbose_name_plural = "addresses"


class ServiceAtLocation(HsdsModel):
    OWNER_FIELDS = ('service', 'location')
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="service_at_locations")
    description = models.TextField(blank=True)


class Phone(HsdsModel):
    OWNER_FIELDS = ('organization', 'service', 'location', 'service_at_location')
    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    organization = models.ForeignKey(Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    service_at_location = models.ForeignKey(ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=32)
    extension = models.PositiveIntegerField(null=True, blank=True)
    type = models.CharField(max_length=16, blank=True)
    description = models.TextField(blank=True)

    def __str__(self):
        return self.number

    def organization_ids(self) -> set:
        """Also the organisations of its contact (contacts are kept whole as ExtraRecords)."""
        owners = super().organization_ids()
        contact_id = str((self.extra or {}).get("contact_id") or "").strip()
        contact = ExtraRecord.objects.filter(entity="contacts", record_id=contact_id).first() if contact_id else None
        return owners | (contact.organization_ids() if contact is not None else set())

    def clean(self):
        self.number = validation.normalized_phone(self.number)


class Schedule(HsdsModel):
    OWNER_FIELDS = ('service', 'location', 'service_at_location')
    """A weekly opening-hours rule (RFC 5545 style, as HSDS)."""

    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules")
    service_at_location = models.ForeignKey(ServiceAtLocation, null=True, blank=True, on_delete=models.CASCADE, related_name="schedules")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    freq = models.CharField(max_length=8, default="WEEKLY")
    wkst = models.CharField(max_length=2, blank=True)
    byday = models.CharField(max_length=32, blank=True, help_text="Comma-separated day codes, e.g. MO,TU,WE")
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)
    description = models.TextField(blank=True)
    attending_type = models.CharField(max_length=64, blank=True)
    notes = models.TextField(blank=True)

    def __str__(self):
        return f"{self.byday} {self.opens_at or ''}-{self.closes_at or ''}".strip()

    def clean(self):
        self.byday = validation.normalized_days(self.byday)
        self.freq = validation.checked_frequency(self.freq)
        validation.check_hours(self.opens_at, self.closes_at)
        validation.check_date_range(self.valid_from, self.valid_to)


class Language(HsdsModel):
    OWNER_FIELDS = ('service', 'location', 'phone')
    """A language spoken at a service, location or phone line (ISO 639-1 code)."""

    service = models.ForeignKey(Service, null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    location = models.ForeignKey(Location, null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    phone = models.ForeignKey(Phone, null=True, blank=True, on_delete=models.CASCADE, related_name="languages")
    name = models.CharField(max_length=64, blank=True)
    code = models.CharField(max_length=8, db_index=True)
    note = models.TextField(blank=True)

    def __str__(self):
        return self.code

    def clean(self):
        self.code = validation.language_code(self.code)


class RequiredDocument(HsdsModel):
    OWNER_FIELDS = ('service',)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="required_documents")
    document = models.CharField(max_length=255)
    uri = models.URLField(blank=True)


class Taxonomy(HsdsModel):
    name = models.CharField(max_length=255)
    description = models.TextField()
    uri = models.URLField(blank=True)
    version = models.CharField(max_length=32, blank=True)

    class Meta:
        verbose_name_plural = "taxonomies"
        ordering = ["name"]

    def __str__(self):
        return self.name


class TaxonomyTerm(HsdsModel):
    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=255)
    description = models.TextField()
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    taxonomy = models.ForeignKey(Taxonomy, null=True, blank=True, on_delete=models.PROTECT, related_name="terms")
    language = models.CharField(max_length=8, blank=True)
    term_uri = models.URLField(blank=True)

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} ({self.name})"

    def descendant_ids(self) -> list:
        """This term's id and those of all terms below it, in one recursive query whatever the depth."""
        table, pk, parent = self._meta.db_table, self._meta.pk, self._meta.get_field("parent")
        quote = connection.ops.quote_name
        sql = (
            f"WITH RECURSIVE tree(id) AS (SELECT CAST(%s AS {pk.db_type(connection)}) UNION SELECT t.{quote(pk.column)} FROM {quote(table)} t"
            f" JOIN tree ON t.{quote(parent.column)} = tree.id) SELECT id FROM tree"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [pk.get_db_prep_value(self.id, connection)])
            return [value if isinstance(value, uuid.UUID) else uuid.UUID(str(value)) for (value,) in cursor.fetchall()]


class Attribute(HsdsModel):
    """Links any HSDS entity to a taxonomy term (the service ↔ category link)."""

    link_id = models.UUIDField(db_index=True)
    link_type = models.CharField(max_length=64, blank=True)
    link_entity = models.CharField(max_length=64, db_index=True)
    taxonomy_term = models.ForeignKey(TaxonomyTerm, on_delete=models.PROTECT, related_name="attributes")
    value = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["link_entity", "link_id", "taxonomy_term"], name="unique_attribute_link"),
        ]
        indexes = [
            # The taxonomy filter: the services linked to some terms, read from the index alone.
            models.Index(fields=["link_entity", "taxonomy_term", "link_id"], name="hsds_attribute_entity_term"),
        ]

    def organization_ids(self) -> set:
        """The linked record's organisations (an attribute of a taxonomy term is shared)."""
        model = LINKABLE_MODELS.get((self.link_entity or "").strip().lower())
        target = model.objects.filter(pk=self.link_id).first() if model is not None and self.link_id else None
        return target.organization_ids() if target is not None else set()


class ServiceTranslation(models.Model):
    """A service's text in one more language; empty fields fall back to the default language."""

    TRANSLATED_FIELDS = ("name", "description", "eligibility_description", "application_process", "fees_description", "required_documents")

    # A UUID like every HSDS record, so the audit trail (ChangeRecord.resource_id) can name it.
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="translations")
    language = models.CharField(max_length=8, help_text="One of the directory's content languages (DIRECTORY_LANGUAGES).")
    name = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    eligibility_description = models.TextField(blank=True)
    application_process = models.TextField(blank=True)
    fees_description = models.TextField(blank=True)
    required_documents = models.TextField(blank=True, help_text="One document per line, in the order of the default language's list.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["service", "language"], name="one_translation_per_language")]
        ordering = ["language"]

    def __str__(self):
        return f"{self.service} [{self.language}]"

    def organization_ids(self) -> set:
        return organizations_referenced(service_id=self.service_id)

    def clean(self):
        validation.check_translation_language(self.language)


class ChangeRecord(models.Model):
    """One recorded change (HSDS `metadata`): who changed which field of which record, when, old → new."""

    class Action(models.TextChoices):
        CREATE = "create"
        UPDATE = "update"
        DELETE = "delete"
        RETIRE = "retire"
        RESTORE = "restore"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    resource_id = models.UUIDField(db_index=True)
    resource_type = models.CharField(max_length=64)
    # The service (or organization) the changed record belongs to, so its history shows phone and hours edits too.
    owner_id = models.UUIDField(null=True, blank=True, db_index=True)
    last_action_date = models.DateTimeField(auto_now_add=True, db_index=True)
    last_action_type = models.CharField(max_length=16, choices=Action.choices)
    field_name = models.CharField(max_length=64, blank=True)
    previous_value = models.TextField(blank=True)
    replacement_value = models.TextField(blank=True)
    updated_by = models.CharField(max_length=255)
    via = models.CharField(max_length=16, help_text="admin, api, import or system")

    class Meta:
        ordering = ["-last_action_date", "resource_type", "field_name"]
        indexes = [models.Index(fields=["resource_type", "resource_id"])]

    def __str__(self):
        return f"{self.last_action_type} {self.resource_type} {self.field_name}".strip()


class ExtraRecord(models.Model):
    """A row of an HSDS table this directory does not model (funding, programs, ...), kept for export."""

    entity = models.CharField(max_length=64)
    record_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "record_id"], name="unique_extra_record")]
        ordering = ["entity", "record_id"]

    def organization_ids(self) -> set:
        """The organisations its reference columns lead to (ids that are not UUIDs lead nowhere)."""
        return organizations_of_row(self.data or {})


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


class StaffProfile(models.Model):
    """A staff member's role; editors change only the organisations assigned to them."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator"
        EDITOR = "editor"
        VIEWER = "viewer"

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    organizations = models.ManyToManyField(Organization, blank=True, related_name="editors")

    def __str__(self):
        return f"{self.user} ({self.role})"


# Attribute.link_entity values whose records can own an attribute.
LINKABLE_MODELS = {
    "service": Service, "organization": Organization, "location": Location, "phone": Phone,
    "service_at_location": ServiceAtLocation, "address": Address, "schedule": Schedule,
    "taxonomy_term": TaxonomyTerm, "language": Language, "required_document": RequiredDocument,
}
