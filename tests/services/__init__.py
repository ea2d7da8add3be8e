"""Tests against the real services of the machine: PostgreSQL, Redis, Celery workers."""
