"""The intake record: what a person leaves for their NHS team, with consent.

validate   checks and normalises each detail (pure functions)
questions  which question comes next and what an answer means (pure functions)
record     builds the record from a finished conversation (pure)
crypto     encryption of personal fields at rest
store      the database: records, their outbox rows, staff operations
delivery   the relay that posts records to each area's endpoint
cli        the `phb-intake` staff command
"""
