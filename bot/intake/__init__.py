"""The intake record: what a person leaves for their NHS team, with consent.

validate   checks and normalises each detail (pure functions)
questions  which question comes next and what an answer means (pure functions)
record     builds the record from a finished conversation (pure)
readable   every part of a record in the plain words the person saw (pure)
staff_copy `phb-intake show` and the CSV, in those words, safe to open in a spreadsheet
fhir       the record as a FHIR R4 Bundle, and the Questionnaire describing our questions
crypto     encryption of personal fields at rest
store      the database: records, their outbox rows, staff operations
delivery   the relay that posts records to each area's endpoint
cli        the `phb-intake` staff command
"""
