"""The ``/-/charts`` page: requests, outcomes and reviews/lawsuits per year, offline.

The page draws the ``region_totals_by_year`` canned query (metadata.json) with
Chart.js, vendored under nianbao/datasette/static: the numbers in a chart are
exactly those of the query's table and CSV, and nothing is loaded from a CDN.
Filters are the query's own parameters, so a selection made on report_summary
(province=…, level=…) carries over through the link the plugin adds there.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from datasette.utils.asgi import Response
from markupsafe import Markup

QUERY = "region_totals_by_year"
FILTERS = ("province", "city", "county", "level", "body_kind", "body")
SELECTS = (("province", "省 province"), ("level", "层级 level"), ("body_kind", "机关类型 body kind"))


def _database_name(datasette) -> str:
    names = [n for n, db in datasette.databases.items() if n != "_internal" and db.path]
    return "nianbao" if "nianbao" in names else names[0]


async def charts_page(datasette, request) -> Response:
    name = _database_name(datasette)
    values = {k: request.args.get(k) or "" for k in FILTERS}
    db = datasette.get_database(name)
    selects = []
    for column, label in SELECTS:
        rows = await db.execute(f"select distinct {column} from report_summary where {column} is not null "
                                f"order by {column}")
        selects.append((column, label, [r[0] for r in rows]))
    params = urlencode(values)
    query_path = f"{datasette.urls.database(name)}/{QUERY}"
    config = {"data_url": f"{query_path}.json?_shape=array&{params}"}
    html = await datasette.render_template("nianbao_charts.html", {
        "database": name,
        "values": values,
        "selects": selects,
        "query_name": QUERY,
        "data_page": f"{query_path}?{params}",
        "config_json": Markup(json.dumps(config, ensure_ascii=False).replace("<", "\\u003c")),
    }, request=request)
    return Response.html(html)
