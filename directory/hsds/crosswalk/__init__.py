"""The taxonomy crosswalk: which terms of a city's own taxonomy mean which of our newcomer needs.

Mappings live in the database (models.CrosswalkMapping, edited and audited in the admin); the search goes
through them (TaxonomyTerm.descendant_ids). suggestions.py proposes mappings for terms nobody mapped yet.
"""
