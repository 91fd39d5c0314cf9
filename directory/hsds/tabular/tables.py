"""The HSDS 3.0 tabular data package: its tables, their columns (in HSDS order) and our models.

Column lists follow the property order of ../shared/hsds/schema/*.json (a test checks they still
match), so the directory can import and export without the shared schema files being present.
"""

import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from .. import models as m

# Profile extension (documented in the README): a service's text in the directory's other languages.
TRANSLATIONS_TABLE = "service_translations"


@dataclass
class Table:
    name: str  # table name = CSV file stem = XLSX sheet name, e.g. "phones"
    entity: str  # HSDS schema name, e.g. "phone"
    columns: List[str]  # HSDS columns in schema order
    model: Optional[type] = None  # None: kept whole in ExtraRecord
    required: Tuple[str, ...] = ()
    types: Dict[str, Tuple[str, Optional[str]]] = field(default_factory=dict)  # column -> (type, format)
    hsds: bool = True  # False for our profile extension tables
    description: str = ""

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"


def _t(name, entity, columns, model=None, required=("id",), types=None, **kw) -> Table:
    return Table(name, entity, columns.split(), model, tuple(required), types or {}, **kw)


UUID = ("string", "uuid")
URI = ("string", "uri")
EMAIL = ("string", "email")
NUMBER = ("number", None)

# In HSDS datapackage order.
TABLES: List[Table] = [
    _t(
        "organizations",
        "organization",
        "id name alternate_name description email website tax_status tax_id year_incorporated legal_status logo uri parent_organization_id",
        m.Organization,
        ("id", "name", "description"),
        {"email": EMAIL, "website": URI, "year_incorporated": NUMBER, "uri": URI, "parent_organization_id": UUID},
    ),
    _t("programs", "program", "id organization_id name alternate_name description", None, ("id", "organization_id", "name", "description"), {"organization_id": UUID}),
    _t(
        "services",
        "service",
        "id organization_id program_id name alternate_name description url email status interpretation_services "
        "application_process fees_description wait_time fees accreditations eligibility_description minimum_age "
        "maximum_age assured_date assurer_email licenses alert last_modified",
        m.Service,
        ("id", "organization_id", "name", "status"),
        {"organization_id": UUID, "program_id": UUID, "url": URI, "email": EMAIL, "minimum_age": NUMBER, "maximum_age": NUMBER, "assurer_email": EMAIL, "last_modified": ("datetime", None)},
    ),
    _t(
        "attributes",
        "attribute",
        "id link_id taxonomy_term_id link_type link_entity value",
        m.Attribute,
        ("id", "link_id", "taxonomy_term_id", "link_entity"),
        {"link_id": UUID, "taxonomy_term_id": UUID},
    ),
    _t("service_at_location", "service_at_location", "id service_id location_id description", m.ServiceAtLocation, ("id", "service_id", "location_id"), {"service_id": UUID, "location_id": UUID}),
    _t(
        "locations",
        "location",
        "id location_type url organization_id name alternate_name description transportation latitude longitude " "external_identifier external_identifier_type",
        m.Location,
        ("id", "location_type"),
        {"url": URI, "organization_id": UUID, "latitude": NUMBER, "longitude": NUMBER},
    ),
    _t(
        "phones",
        "phone",
        "id location_id service_id organization_id contact_id service_at_location_id number extension type description",
        m.Phone,
        ("id", "number"),
        {"location_id": UUID, "service_id": UUID, "organization_id": UUID, "contact_id": UUID, "service_at_location_id": UUID, "extension": NUMBER},
    ),
    _t(
        "contacts",
        "contact",
        "id organization_id service_id service_at_location_id location_id name title department email",
        None,
        ("id",),
        {"organization_id": UUID, "service_id": UUID, "service_at_location_id": UUID, "location_id": UUID, "email": EMAIL},
    ),
    _t(
        "addresses",
        "address",
        "id location_id attention address_1 address_2 city region state_province postal_code country address_type",
        m.Address,
        ("id", "address_1", "city", "state_province", "postal_code", "country", "address_type"),
        {"location_id": UUID},
    ),
    _t(
        "schedules",
        "schedule",
        "id service_id location_id service_at_location_id valid_from valid_to dtstart timezone until count wkst freq "
        "interval byday byweekno bymonthday byyearday description opens_at closes_at schedule_link attending_type notes",
        m.Schedule,
        ("id",),
        {"service_id": UUID, "location_id": UUID, "service_at_location_id": UUID, "timezone": NUMBER, "count": NUMBER, "interval": NUMBER, "schedule_link": URI},
    ),
    _t("funding", "funding", "id organization_id service_id source", None, ("id",), {"organization_id": UUID, "service_id": UUID}),
    _t("service_areas", "service_area", "id service_id name description extent extent_type uri", None, ("id",), {"service_id": UUID}),
    _t("required_documents", "required_document", "id service_id document uri", m.RequiredDocument, ("id",), {"service_id": UUID, "uri": URI}),
    _t("languages", "language", "id service_id location_id phone_id name code note", m.Language, ("id",), {"service_id": UUID, "location_id": UUID, "phone_id": UUID}),
    _t("accessibility", "accessibility", "id location_id description details url", None, ("id",), {"location_id": UUID, "url": URI}),
    _t(
        "taxonomy_terms",
        "taxonomy_term",
        "id code name description parent_id taxonomy language taxonomy_id term_uri",
        m.TaxonomyTerm,
        ("id", "name", "description"),
        {"parent_id": UUID, "taxonomy_id": UUID, "term_uri": URI},
    ),
    _t(
        "metadata",
        "metadata",
        "id resource_id resource_type last_action_date last_action_type field_name previous_value replacement_value updated_by",
        None,
        ("id", "last_action_date", "last_action_type", "field_name", "previous_value", "replacement_value", "updated_by"),
        {"resource_id": UUID},
    ),
    _t("meta_table_descriptions", "meta_table_description", "id name language character_set", None, ("id",)),
    _t("cost_options", "cost_option", "id service_id valid_from valid_to option currency amount amount_description", None, ("id", "service_id"), {"service_id": UUID, "amount": NUMBER}),
    _t(
        "organization_identifiers",
        "organization_identifier",
        "id organization_id identifier_scheme identifier_type identifier",
        None,
        ("id", "identifier_type", "identifier"),
        {"organization_id": UUID},
    ),
    _t("taxonomies", "taxonomy", "id name description uri version", m.Taxonomy, ("id", "name", "description"), {"uri": URI}),
    _t(
        TRANSLATIONS_TABLE,
        "service_translation",
        "id service_id language name description eligibility_description application_process fees_description required_documents",
        m.ServiceTranslation,
        ("service_id", "language"),
        {"service_id": UUID},
        hsds=False,
        description="Profile extension: a service's text in one more language (matched by id, else by service_id + "
        "language; required_documents holds one document per line, in the order of required_documents.csv).",
    ),
]
BY_NAME: Dict[str, Table] = {t.name: t for t in TABLES}

# Import order: a row's references are imported before it.
IMPORT_ORDER = [
    "organizations",
    "programs",
    "organization_identifiers",
    "locations",
    "addresses",
    "accessibility",
    "services",
    "service_at_location",
    "contacts",
    "phones",
    "schedules",
    "languages",
    "required_documents",
    "service_areas",
    "cost_options",
    "funding",
    "taxonomies",
    "taxonomy_terms",
    "attributes",
    TRANSLATIONS_TABLE,
    "meta_table_descriptions",
    "metadata",
]
IMPORT_ORDER = [name for name in IMPORT_ORDER if name in BY_NAME]
assert set(IMPORT_ORDER) == set(BY_NAME), set(BY_NAME) - set(IMPORT_ORDER)

# Self-references: rows whose parent is in the same file are imported after their parent.
PARENT_COLUMNS = {"organizations": "parent_organization_id", "taxonomy_terms": "parent_id"}

# Attribute.link_entity values whose link_id we can check.
LINKABLE = m.LINKABLE_MODELS
TABLE_OF_MODEL = {t.model: t for t in TABLES if t.model is not None}


def lookup(key: str) -> Optional[Table]:
    """A table from a sheet, file or resource name: "phones", "phones.csv", "phone", "Phones"."""
    key = (key or "").strip().lower()
    for suffix in (".csv", ".xlsx"):
        if key.endswith(suffix):
            key = key[: -len(suffix)]
    key = key.rsplit("/", 1)[-1].replace(" ", "_").replace("-", "_")
    if key in BY_NAME:
        return BY_NAME[key]
    for table in TABLES:
        if key == table.entity:
            return table
    return None


def model_columns(table: Table) -> Dict[str, object]:
    """The table's columns that are model fields: column name -> Django field (matched by attname)."""
    if table.model is None:
        return {}
    fields = {f.attname: f for f in table.model._meta.concrete_fields}
    skip = {"id", "extra"}
    return {column: fields[column] for column in table.columns if column in fields and column not in skip}


# Column names beyond HSDS that an import may bring in (they become header cells of exports).
COLUMN_NAME = re.compile(r"\w[\w .-]{0,63}")


def datapackage_descriptor(tables: List[Tuple[Table, List[str]]], name: str = "hsds-directory") -> dict:
    """A frictionless tabular data package descriptor for the exported tables."""
    resources = []
    for table, columns in tables:
        fields = []
        for column in columns:
            kind, fmt = table.types.get(column, UUID if column == "id" else ("string", None))
            spec = {"name": column, "type": kind}
            if fmt:
                spec["format"] = fmt
            if column in table.required:
                spec["constraints"] = {"required": True}
            if column == "id":
                spec.setdefault("constraints", {})["unique"] = True
            fields.append(spec)
        schema = {"fields": fields}
        if "id" in columns:
            schema["primaryKey"] = ["id"]
        resource = {
            "name": table.name,
            "path": table.filename,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": schema,
        }
        if table.description:
            resource["description"] = table.description
        resources.append(resource)
    return {
        "name": name,
        "title": "Human Services Data Specification 3.0 tabular data package",
        "profile": "tabular-data-package",
        "version": "3.0",
        "resources": resources,
    }
