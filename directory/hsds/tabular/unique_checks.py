"""A record's model validation without a query per row: full_clean() minus its database look-ups, and the
two uniqueness rules an import can break (a taxonomy term's code; one attribute per record and term)
checked against values read once per import and kept up to date as rows are accepted.

The messages are Django's own (unique_error_message), placed as full_clean() places them, so staff read
the same words as before (cells.describe_validation_error).
"""

from typing import Dict, Optional, Tuple

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models as dj

from .. import models as m

ATTRIBUTE_UNIQUE = ("link_entity", "link_id", "taxonomy_term")


class UniqueValues:
    def __init__(self):
        self._codes: Optional[Dict[str, object]] = None  # term code -> term id
        self._links: Optional[Dict[Tuple[str, object, object], object]] = None  # (entity, link id, term id) -> attribute id

    def codes(self) -> dict:
        if self._codes is None:
            self._codes = dict(m.TaxonomyTerm.objects.values_list("code", "id"))
        return self._codes

    def links(self) -> dict:
        if self._links is None:
            self._links = {(entity, link, term): id_ for entity, link, term, id_ in m.Attribute.objects.values_list("link_entity", "link_id", "taxonomy_term_id", "id")}
        return self._links

    def full_clean(self, instance) -> None:
        """As instance.full_clean() (references already checked by the importer), without queries."""
        model = type(instance)
        references = [f.name for f in model._meta.concrete_fields if isinstance(f, dj.ForeignKey)]
        errors: dict = {}
        try:
            instance.full_clean(exclude=references, validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if model is m.Attribute and instance.taxonomy_term_id is None:
            field = model._meta.get_field("taxonomy_term")
            errors.setdefault("taxonomy_term", []).append(ValidationError(field.error_messages["null"], code="null"))
        if model is m.TaxonomyTerm and "code" not in errors:
            other = self.codes().get(instance.code)
            if other is not None and other != instance.id:
                errors.setdefault("code", []).append(instance.unique_error_message(model, ("code",)))
        if model is m.Attribute and not set(ATTRIBUTE_UNIQUE) & set(errors):
            other = self.links().get(self._link_key(instance))
            if other is not None and other != instance.id and None not in self._link_key(instance):
                errors.setdefault(NON_FIELD_ERRORS, []).append(instance.unique_error_message(model, ATTRIBUTE_UNIQUE))
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _link_key(attribute) -> tuple:
        return attribute.link_entity, attribute.link_id, attribute.taxonomy_term_id

    def accept(self, instance, existing) -> None:
        """`instance` will be saved: later rows are checked against its values, not those it had."""
        if isinstance(instance, m.TaxonomyTerm):
            codes = self.codes()
            if existing is not None and codes.get(existing.code) == instance.id:
                del codes[existing.code]
            codes[instance.code] = instance.id
        elif isinstance(instance, m.Attribute):
            links = self.links()
            if existing is not None and links.get(self._link_key(existing)) == instance.id:
                del links[self._link_key(existing)]
            links[self._link_key(instance)] = instance.id
