"""The directory's models, by subject: records.py (organisations, services, locations and what they nest),
taxonomy.py (terms and the attributes linking records to them), history.py (changes, unmodelled rows),
staff.py (roles), base.py (what every record has) and ownership.py (whose record is this)."""
from .base import HsdsModel, Versioned
from .history import ChangeRecord, ExtraRecord
from .ownership import OWNER_COLUMNS, organizations_of_row, organizations_referenced
from .records import (
    Address, Language, Location, Organization, Phone, RegionName, RequiredDocument, Schedule, Service, ServiceAtLocation,
    ServiceTranslation,
)
from .staff import StaffProfile
from .taxonomy import LINKABLE_MODELS, Attribute, CrosswalkMapping, Taxonomy, TaxonomyTerm

__all__ = [
    "HsdsModel", "Versioned", "ChangeRecord", "ExtraRecord", "OWNER_COLUMNS", "organizations_of_row", "organizations_referenced",
    "Address", "Language", "Location", "Organization", "Phone", "RegionName", "RequiredDocument", "Schedule", "Service",
    "ServiceAtLocation", "ServiceTranslation", "StaffProfile", "LINKABLE_MODELS", "Attribute", "CrosswalkMapping", "Taxonomy",
    "TaxonomyTerm",
]
