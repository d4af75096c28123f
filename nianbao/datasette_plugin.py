"""Datasette plugin: make the ordinary search box and ``?_search=`` work for Chinese.

Tables indexed by nianbao store Han text one character per token (see
nianbao.search).  This wrapper turns the user's terms into phrase queries on the
way in, in raw search mode, so 1- and 2-character terms (税, 信访) match exactly.
The rewritten query never shows: the page script puts the user's words back in
the search box.

It also registers the publishing pages: ``/-/archived/<record_id>`` (a report's
archived copy, made safe), ``/-/cell/<report_id>/<path>`` (that copy with the cell a
figure was read from highlighted) and ``/-/charts`` (offline charts of report_summary),
links record ids and cell locations to the former two, and gives SQL the ``nb_fts_query`` function that
canned queries use to search.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, quote, urlencode

from datasette import hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup

from nianbao.charts import FILTERS
from nianbao.search import fts_query

MARKER = "_nb_q"  # the user's own words, kept for the search box


def rewrite_query_string(query_string: bytes) -> bytes:
    """``_search=街道`` → ``_search="街 道"&_searchmode=raw&_nb_q=街道``; idempotent.

    Datasette builds some redirects (sorting, facets) from the rewritten query, so a query can
    come back already rewritten: the words in ``_nb_q`` are kept when they still give the same
    phrases, so the search box keeps showing what the user typed.
    """
    pairs = parse_qsl(query_string.decode("utf-8", "replace"), keep_blank_values=True)
    if not any(k == "_search" or k.startswith("_search_") for k, _ in pairs):
        return query_string
    typed = next((v for k, v in pairs if k == MARKER), None)
    out, original = [], None
    dropped = False
    for key, value in pairs:
        if (key == "_search" or key.startswith("_search_")) and value.strip():
            phrases = fts_query(value)
            if not phrases:  # only punctuation ("*", "()"): no words to search for, and no FTS5 syntax error
                dropped = True
                continue
            original = typed if typed is not None and fts_query(typed) == phrases else value
            value = phrases
        if key in ("_searchmode", MARKER):
            continue
        out.append((key, value))
    if original is None:
        return urlencode(out).encode() if dropped else query_string
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


CHART_FILTERS = FILTERS  # the parameters of the region_totals_by_year query


@hookimpl
def extra_body_script(datasette):
    # Put the user's words back in the search box instead of the phrase query; fold a wide table's
    # column descriptions; on report_summary and the region query, link to the charts of the same
    # selection.
    charts = json.dumps(datasette.urls.path("/-/charts"))
    return """
(function () {
  var p = new URLSearchParams(window.location.search);
  var q = p.get('_nb_q') || p.get('_search');
  var box = document.querySelector('input[name="_search"]');
  if (box && q !== null) { box.value = q; }
  // A wide table's column descriptions (report_summary has 50) would push its rows screens down:
  // folded under one line, the data first.
  var dl = document.querySelector('dl.column-descriptions');
  if (dl && dl.children.length > 16) {
    var fold = document.createElement('details'), title = document.createElement('summary');
    title.textContent = '列说明 Column descriptions (' + dl.querySelectorAll('dt').length + ')';
    dl.parentNode.insertBefore(fold, dl);
    fold.className = 'nb-columns';
    fold.appendChild(title);
    fold.appendChild(dl);
  }
  if (!/\\/(report_summary|region_totals_by_year)$/.test(window.location.pathname)) { return; }
  var sel = new URLSearchParams();
  FILTERS.forEach(function (k) { var v = p.get(k) || p.get(k + '__exact'); if (v) { sel.set(k, v); } });
  var h1 = document.querySelector('h1');
  if (!h1) { return; }
  var link = document.createElement('p');
  var a = document.createElement('a');
  a.id = 'nb-charts-link';
  a.href = CHARTS + (sel.toString() ? '?' + sel.toString() : '');
  a.textContent = '图表 Charts of this selection';
  link.appendChild(a);
  h1.insertAdjacentElement('afterend', link);
})();
""".replace("FILTERS", json.dumps(list(CHART_FILTERS))).replace("CHARTS", charts)


@hookimpl
def prepare_connection(conn):
    # Canned queries search with `reports_fts match nb_fts_query(:q)`: the same phrase rewriting as
    # ?_search=, in SQL.  An empty query becomes the empty phrase, which matches nothing instead of
    # being an FTS5 syntax error.
    conn.create_function("nb_fts_query", 1, lambda q: fts_query(q or "") or '""', deterministic=True)
    # A search counts and facets every match, each a lookup in reports: a 64 MB page cache per
    # connection (SQLite's default is 2 MB) keeps those pages in memory between the queries.
    conn.execute("pragma cache_size = -65536")


@hookimpl
def register_routes():
    from nianbao.charts import charts_page
    from nianbao.publish_archived import archived_page, cell_page

    return [
        (r"^/-/archived/(?P<record_id>[^/]+)$", archived_page),
        (r"^/-/cell/(?P<report_id>[^/]+)/(?P<path>[^/]+)$", cell_page),
        (r"^/-/charts$", charts_page),
    ]


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    # A figure, one click from the cell it was printed in (see nianbao.publish_archived).
    if table == "cells" and column == "location":
        report_id, path = _plain(row, "report_id"), _plain(row, "path")
        if not (isinstance(report_id, str) and isinstance(path, str)):  # columns not selected
            return None
        shown = datasette.urls.path(f"/-/cell/{quote(report_id, safe='')}/{quote(path, safe='')}") + "#nb-cell"
        return Markup('{} <a class="nb-cell" href="{}">在存档页中查看 show where printed</a>').format(
            value or "", shown)
    # A report's archived page, one click from its row; see nianbao.publish_archived for why it is safe.
    if column not in ("record_id", "source_record_id") or table not in ("reports", "documents"):
        return None
    value = _unwrap(value)
    if not isinstance(value, str) or not value:
        return None
    if column == "source_record_id" and _same_as_record(row, value):
        return Markup("= record_id")  # read from the page itself: one link to it is enough
    archived = datasette.urls.path("/-/archived/" + quote(value, safe=""))
    if table == "documents":
        return Markup('{} <a class="nb-archived" href="{}">存档副本 archived copy</a>').format(value, archived)
    document = datasette.urls.table(database, "documents") + "/" + tilde_encode(value)
    return Markup('<a href="{}">{}</a> · <a class="nb-archived" href="{}" title="scripts removed">'
                  "存档副本 archived copy</a>").format(document, value, archived)


def _plain(row, column: str):
    """A column's value in a row Datasette renders: None when not selected, a label-expanded
    foreign key reduced to its value."""
    try:
        return _unwrap(row[column])
    except (IndexError, KeyError):
        return None


def _unwrap(value):
    """A foreign key Datasette has expanded to {"value", "label"}: its value."""
    return value.get("value") if isinstance(value, dict) else value


def _same_as_record(row, value: str) -> bool:
    return _plain(row, "record_id") == value
