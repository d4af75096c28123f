"""Derived tables and views for publishing, added to the database at the end of ``build``.

Everything here is computed from the tables ``build`` has written (reports,
applications, review_litigation, proactive_disclosure, checks), so it is
rebuilt with them and never edited by hand.
"""

from __future__ import annotations

import sqlite_utils


def enrich(db: sqlite_utils.Database) -> None:
    """Add the publishing layer (summaries, regions, views) to a freshly built database."""
