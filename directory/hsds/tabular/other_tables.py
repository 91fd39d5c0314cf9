"""Rows of the tables the directory does not model as records: service translations, and HSDS tables kept
whole for export (ExtraRecord), each still checked against the editor's organisations."""

from django.core.exceptions import ValidationError

from .. import models as m
from .tables import Table
from .cells import blank, describe_validation_error, parse_uuid, same_as_stored
from .import_report import RowError


# References from the HSDS tables we keep whole (ExtraRecord) to the records we model.
EXTRA_REFERENCES = {"organization_id": m.Organization, "service_id": m.Service, "location_id": m.Location, "service_at_location_id": m.ServiceAtLocation}


class OtherTables:
    def import_translation(self, table: Table, row: dict):
        record_id = parse_uuid(row.get("id"), "id")
        service_id, _ = self.reference(table, row, "service_id", m.Service, True, [])
        language = str(row.get("language", "")).strip().lower()
        translations = m.ServiceTranslation.objects
        existing = (translations.filter(pk=record_id).first() if record_id else None) or translations.filter(service_id=service_id, language=language).first()
        if existing is not None:
            instance = translations.get(pk=existing.pk)
            instance.service_id, instance.language = service_id, language
        else:
            instance = m.ServiceTranslation(service_id=service_id, language=language)
            if record_id:
                instance.id = record_id
        for column in m.ServiceTranslation.TRANSLATED_FIELDS:
            if column in row:
                setattr(instance, column, "" if blank(row[column]) else str(row[column]))
        try:
            instance.full_clean()
        except ValidationError as error:
            raise RowError(*describe_validation_error(error, table, instance, row))
        if existing is not None and same_as_stored(existing, instance):
            return "unchanged"
        self.check_owner(instance, existing)
        instance.save()
        return "created" if existing is None else "updated"

    def import_extra(self, table: Table, row: dict):
        record_id = str(row.get("id", "")).strip()
        if not record_id:
            raise RowError("the id is missing; every HSDS row needs an id")
        if len(record_id) > 64:
            raise RowError(f"the id '{record_id[:40]}...' is too long (at most 64 characters)")
        problems, warnings = [], []
        if table.hsds:
            for column in table.required:
                if column != "id" and column in row and blank(row[column]):
                    problems.append(f"{column} is required (the cell is empty)")
            for column, model in EXTRA_REFERENCES.items():
                if column in table.columns and not blank(row.get(column)):
                    try:
                        self.reference(table, row, column, model, column in table.required, warnings)
                    except RowError as problem:
                        problems += problem.messages
        if problems:
            raise RowError(*problems)
        existing = m.ExtraRecord.objects.filter(entity=table.name, record_id=record_id).first()
        data = dict(existing.data) if existing else {}
        for column, text in row.items():
            if not column or column == "id":
                continue
            if blank(text):
                data.pop(column, None)
            else:
                data[column] = str(text)
        if existing is not None and existing.data == data:
            return "unchanged", warnings
        if self.allowed is not None:
            self.refuse_unless_own(m.organizations_of_row(data) | (existing.organization_ids() if existing else set()))
        record = existing or m.ExtraRecord(entity=table.name, record_id=record_id)
        record.data = data
        record.save()
        return ("created" if existing is None else "updated"), warnings

    # editors ------------------------------------------------------------------------------------
