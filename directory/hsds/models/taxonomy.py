"""Taxonomies, their terms and the attributes that link any record to a term (a service's categories)."""
import uuid

from django.db import connection, models

from .base import HsdsModel, Versioned
from .records import Address, Language, Location, Organization, Phone, RequiredDocument, Schedule, Service, ServiceAtLocation


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

    def descendant_ids(self, through_crosswalk: bool = False) -> list:
        """This term's id and those of all terms below it, in one recursive query whatever the depth; with
        `through_crosswalk`, also the foreign terms mapped to any of them and those below (still one query, so a
        search costs the same whether or not the city's directory speaks our taxonomy)."""
        table, pk, parent = self._meta.db_table, self._meta.pk, self._meta.get_field("parent")
        quote = connection.ops.quote_name
        edges = f"SELECT {quote(pk.column)} AS child, {quote(parent.column)} AS up FROM {quote(table)}"
        if through_crosswalk:
            mapping = CrosswalkMapping._meta
            edges += (
                f" UNION ALL SELECT {quote(mapping.get_field('foreign_term').column)}, {quote(mapping.get_field('need').column)}"
                f" FROM {quote(mapping.db_table)}"
            )
        # UNION (not ALL) stops a cycle a crosswalk could make (a foreign term mapped back above itself).
        sql = (
            f"WITH RECURSIVE tree(id) AS (SELECT CAST(%s AS {pk.db_type(connection)}) UNION SELECT e.child FROM ({edges}) e"
            f" JOIN tree ON e.up = tree.id) SELECT id FROM tree"
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


# Attribute.link_entity values whose records can own an attribute.
LINKABLE_MODELS = {
    "service": Service, "organization": Organization, "location": Location, "phone": Phone,
    "service_at_location": ServiceAtLocation, "address": Address, "schedule": Schedule,
    "taxonomy_term": TaxonomyTerm, "language": Language, "required_document": RequiredDocument,
}


class CrosswalkMapping(Versioned):
    """Says that a foreign taxonomy's term (a city's 211/AIRS code, an Open Eligibility name) means one of our
    newcomer needs, so a search for the need also finds services tagged only with the foreign term. Many to many:
    a need may map to many foreign terms and a foreign term to several needs."""

    ORIGIN_SUGGESTED = "suggested"
    ORIGIN_STAFF = "staff"
    ORIGINS = [(ORIGIN_SUGGESTED, "suggested"), (ORIGIN_STAFF, "staff")]

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    need = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE, related_name="crosswalk_foreign")
    foreign_term = models.ForeignKey(TaxonomyTerm, on_delete=models.CASCADE, related_name="crosswalk_needs")
    origin = models.CharField(max_length=16, choices=ORIGINS, default=ORIGIN_STAFF)
    confidence = models.FloatField(default=1.0)
    reviewed = models.BooleanField(default=False)

    class Meta:
        ordering = ["need__code", "foreign_term__code"]
        constraints = [
            models.UniqueConstraint(fields=["need", "foreign_term"], name="unique_crosswalk_mapping"),
            models.CheckConstraint(check=models.Q(confidence__gte=0) & models.Q(confidence__lte=1), name="crosswalk_confidence_0_1"),
        ]

    def __str__(self):
        return f"{self.need.code} ← {self.foreign_term.code}"

    def organization_ids(self) -> set:
        """Shared like the terms it links: no organisation owns a mapping."""
        return set()
