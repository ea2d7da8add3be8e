"""Alembic revisions, one file each (`v<NNNN>_<slug>.py`)."""
