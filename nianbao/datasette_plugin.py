"""Datasette plugin: make the ordinary search box and ``?_search=`` work for Chinese.

Tables indexed by nianbao store Han text one character per token (see
nianbao.search).  This wrapper turns the user's terms into phrase queries on the
way in, in raw search mode, so 1- and 2-character terms (税, 信访) match exactly.
The rewritten query never shows: the page script puts the user's words back in
the search box.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl

from nianbao.search import fts_query

SEARCH_PARAMS = ("_search",)
MARKER = "_nb_q"  # the user's own words, kept for the search box


def rewrite_query_string(query_string: bytes) -> bytes:
    pairs = parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True)
    if not any(k == "_search" or k.startswith("_search_") for k, _ in pairs):
        return query_string
    out, original = [], None
    for key, value in pairs:
        if (key == "_search" or (key.startswith("_search_") and key != "_searchmode")) and value.strip():
            original = value
            value = fts_query(value)
        if key in ("_searchmode", MARKER):
            continue
        out.append((key, value))
    if original is None:
        return query_string
    out += [("_searchmode", "raw"), (MARKER, original)]
    return urlencode(out).encode()


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def rewritten(scope, receive, send):
            if scope.get("type") == "http" and scope.get("query_string"):
                scope = dict(scope, query_string=rewrite_query_string(scope["query_string"]))
            await app(scope, receive, send)

        return rewritten

    return wrap


@hookimpl
def extra_body_script():
    # Put the user's words back in the search box instead of the phrase query.
    return """
(function () {
  var p = new URLSearchParams(window.location.search);
  var q = p.get('_nb_q') || p.get('_search');
  var box = document.querySelector('input[name="_search"]');
  if (box && q !== null) { box.value = q; }
})();
"""
