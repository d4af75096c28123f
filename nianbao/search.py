"""Chinese full-text search on SQLite FTS5 without a segmenter.

FTS5's unicode61 tokenizer treats a run of Han characters as one token, and the
trigram tokenizer cannot match terms shorter than three characters.  So the
index stores Han text one character per token ("信 访 局"), and a query term
becomes a phrase of its characters (``"信 访"``): 1-, 2- and n-character terms
all match exactly where those characters are adjacent, in any number of terms.
Latin words and numbers stay whole tokens.  Both sides are folded to simplified characters
(the parser's own 1:1 table), so 財政 finds 财政 and a traditional-script report is found by
simplified words.
"""

from __future__ import annotations

import re

from parsers.normalize import simplified

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_SPLIT = re.compile(rf"([{_HAN}])")
_TERM = re.compile(r'"([^"]*)"|(\S+)')


def index_text(text: str | None) -> str:
    """Text as stored in the FTS index: every Han character its own token."""
    if not text:
        return ""
    return re.sub(r"\s+", " ", _SPLIT.sub(r" \1 ", simplified(text))).strip()


def fts_query(query: str) -> str:
    """A user's search box text → an FTS5 query: each term (or "quoted phrase") a phrase, all required."""
    phrases = []
    for quoted, bare in _TERM.findall(query or ""):
        term = simplified((quoted or bare).strip())
        tokens = re.findall(rf"[{_HAN}]|[^\s{_HAN}\"'()*^:+-]+", term)
        if tokens:
            phrases.append('"' + " ".join(t.replace('"', "") for t in tokens) + '"')
    return " ".join(phrases)
