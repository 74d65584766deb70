"""Storage adapters: SQLAlchemy rows, repositories, the unit of work and Alembic migrations.

Rows are separate classes from the attrs domain classes; conversion happens only in the
repositories. Columns holding survivor content are ciphertext, marked with
``info={"encrypted": "caller" | "case"}`` so tests can find every one of them.
"""
