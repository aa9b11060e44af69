"""Schemas of an application's read-only content (``services.reading.application_content``): the
declaration with its plan, what changed between versions, what the zone submitted, the files.

Each schema dumps the service's objects as they are (see ``schemas``); a field names the attribute it
reads when that differs from its own name.
"""

from __future__ import annotations

from flask import url_for
from marshmallow import Schema, fields, validate


class FileSchema(Schema):
    """A reading.submission.FileInfo."""

    id = fields.Integer()
    field_label = fields.String(metadata={"description": "the form field the file was uploaded for"})
    filename = fields.String()
    size = fields.Integer(metadata={"description": "bytes"})
    content_type = fields.String()
    kind = fields.String(metadata={"description": "PDF, DOCX, XLSX..."})
    uploaded_by = fields.String()
    uploaded_at = fields.DateTime()
    opens_inline = fields.Boolean(metadata={"description": "a PDF, served inline; other files download"})
    url = fields.Function(
        lambda f: url_for("api.InstanceFile", instance_id=f.instance_id, attachment_id=f.id),
        metadata={"type": "string", "description": "where the API serves the file"},
    )


class EntrySchema(Schema):
    """A reading.submission.Entry: one filled-in field as a reader sees it."""

    name = fields.String(metadata={"description": "the form's field name"})
    label = fields.String()
    text = fields.String(metadata={"description": "the value as text (an option's label, not its code)"})
    kind = fields.String(metadata={"description": "text | long_text | choice | people | table | file"})
    columns = fields.List(fields.String(), metadata={"description": "a table's column labels"})
    rows = fields.List(fields.List(fields.String()), metadata={"description": "a table's cells"})
    file = fields.Nested(FileSchema, allow_none=True)


class SectionSchema(Schema):
    """A reading.submission.Section: one section of a document (the plan) with its heading."""

    name = fields.String()
    heading = fields.String()
    text = fields.String()
    characters = fields.Integer(metadata={"description": "white space not counted, as R1 counts"})


class DocumentSchema(Schema):
    """A reading.submission.DocumentText."""

    name = fields.String()
    title = fields.String()
    characters = fields.Integer()
    minimum = fields.Integer(allow_none=True, metadata={"description": "the least a rule asks for (R1)"})
    sections = fields.List(fields.Nested(SectionSchema))


class SubmissionSchema(Schema):
    """A reading.submission.Submission: what one person sent through one form."""

    seq = fields.Integer(metadata={"description": "the history event's sequence number"})
    step = fields.String()
    form_title = fields.String()
    at = fields.DateTime()
    by = fields.String()
    entries = fields.List(fields.Nested(EntrySchema))
    documents = fields.List(fields.Nested(DocumentSchema))


class DeclarationSchema(Schema):
    """A DeclarationVersion, read whole."""

    number = fields.Integer(metadata={"description": "1 for the first declaration, then each revision"})
    submission = fields.Nested(SubmissionSchema)


class VersionSchema(Schema):
    """A DeclarationVersion, named only."""

    number = fields.Integer()
    seq = fields.Integer()
    at = fields.DateTime(attribute="submission.at")
    by = fields.String(attribute="submission.by")
    step = fields.String(attribute="submission.step")


class SegmentSchema(Schema):
    kind = fields.String(metadata={"description": "same | inserted | deleted"})
    text = fields.String()


class SectionChangeSchema(Schema):
    """A plan_diff.SectionChange: a long text before and after, as marked segments."""

    name = fields.String()
    heading = fields.String()
    changed = fields.Boolean(attribute="diff.changed")
    inserted = fields.Integer(attribute="diff.inserted", metadata={"description": "characters added"})
    deleted = fields.Integer(attribute="diff.deleted", metadata={"description": "characters removed"})
    segments = fields.List(fields.Nested(SegmentSchema), attribute="diff.segments")


class FieldChangeSchema(Schema):
    name = fields.String()
    label = fields.String()
    before = fields.String()
    after = fields.String()


class LineSchema(Schema):
    label = fields.String()
    value = fields.String()


class OpinionSchema(Schema):
    """An Opinion of the city or the province on the version a revision answers."""

    seq = fields.Integer()
    step = fields.String()
    by = fields.String()
    at = fields.DateTime()
    lines = fields.List(fields.Nested(LineSchema))


class RevisionSchema(Schema):
    """A Revision: a version of the declaration against the one before it."""

    earlier = fields.Integer(attribute="earlier.number")
    later = fields.Integer(attribute="later.number")
    field_changes = fields.List(fields.Nested(FieldChangeSchema), attribute="comparison.fields")
    section_changes = fields.List(fields.Nested(SectionChangeSchema), attribute="comparison.sections")
    opinions = fields.List(fields.Nested(OpinionSchema))


class ApplicationContentSchema(Schema):
    """An ApplicationContent: the application as submitted, read-only."""

    instance_id = fields.Integer()
    as_of = fields.DateTime(
        allow_none=True, metadata={"description": "for a task: what was submitted before it became ready"}
    )
    declaration = fields.Nested(
        DeclarationSchema,
        attribute="shown",
        allow_none=True,
        metadata={"description": "the latest declaration, or the version asked for"},
    )
    versions = fields.List(fields.Nested(VersionSchema))
    revisions = fields.List(fields.Nested(RevisionSchema))
    documents = fields.List(
        fields.Nested(SubmissionSchema),
        metadata={"description": "what else the zone submitted (annual plans, requests...), newest first"},
    )
    files = fields.List(fields.Nested(FileSchema))


class ContentQuery(Schema):
    version = fields.Integer(
        required=False,
        validate=validate.Range(min=1, max=1000),
        metadata={"description": "an earlier version of the declaration to read (default: the latest)"},
    )
