"""The raw store: every fetched response byte-exact in WARC files, with a SQLite index.

Knows nothing of parsing; ``build`` reads pages back from here without the network.
"""

from .index import StoredRecord
from .store import Archive, ArchiveError, decode_content

__all__ = ["Archive", "ArchiveError", "StoredRecord", "decode_content"]
