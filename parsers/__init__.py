"""Raw page or file → canonical report: pure functions of bytes in, data out."""

from .report import page_metadata, parse_bytes, parse_file

__all__ = ["page_metadata", "parse_bytes", "parse_file"]
