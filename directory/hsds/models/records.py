"""The directory's own HSDS 3.0 records: organisations, services, locations and what they nest
(addresses, links between services and locations, phones, schedules, languages, documents), and the
translations of a service's text. Field names follow ../shared/hsds/schema/*.json."""
import uuid

from django.db import models

from hsds import validation

from .base import HsdsModel, Versioned
from .history import ExtraRecord
from .ownership import organizations_referenced


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

    @staticmethod
    def neighbourhoods() -> list:
        """Every neighbourhood (`region`) the directory's addresses name, once each, sorted."""
        regions = Address.objects.order_by().values_list("region", flat=True).distinct()
        return sorted({region.strip() for region in regions} - {""})

    @staticmethod
    def postal_codes() -> list:
        """Every postal code the directory's addresses give, once each, sorted."""
        codes = Address.objects.order_by().values_list("postal_code", flat=True).distinct()
        return sorted({code.strip() for code in codes if code} - {""})


class RegionName(HsdsModel):
    """Another name of a neighbourhood, as newcomers write it ("إيستغيت", "Істгейт" for Eastgate): added by
    staff, accepted by the `region` parameter and listed by GET /api/regions so the assistant knows it."""

    region = models.CharField(max_length=100, help_text="The neighbourhood as the addresses name it, e.g. Eastgate.")
    name = models.CharField(max_length=100, unique=True, help_text="Another way of writing it, in any script.")

    class Meta:
        ordering = ["region", "name"]

    def __str__(self):
        return f"{self.name} → {self.region}"

    def clean(self):
        from django.core.exceptions import ValidationError

        self.region, self.name = " ".join(self.region.split()), " ".join(self.name.split())
        spelled = Address.objects.filter(region__iexact=self.region).values_list("region", flat=True).first()
        if spelled is None:
            raise ValidationError({"region": f"No address is in a neighbourhood called '{self.region}'."})
        self.region = spelled.strip()  # as the addresses spell it, so that `region=` finds it exactly
        if self.name.casefold() == self.region.casefold():
            raise ValidationError({"name": "This is the neighbourhood's own name."})

    @staticmethod
    def alternatives() -> dict:
        """{another name: the neighbourhood}, for every name staff added."""
        return dict(RegionName.objects.order_by("name").values_list("name", "region"))


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
