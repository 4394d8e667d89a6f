"""Reading a chart's data back: the rows a het chart inlines, for the Table tab and the tests."""

from __future__ import annotations

import json


def chart_data(chart) -> list[dict]:
    """The rows a chart inlines (an Altair chart or its to_dict() spec), as a list of dicts.

    Looks through the whole spec: top-level `datasets` referenced by name, and inline `values`
    on the top level, layers, facets and concatenations. A het chart has exactly one dataset;
    a spec with none, with several, or reading a URL raises ValueError.
    """
    spec = chart if isinstance(chart, dict) else chart.to_dict()
    datasets = spec.get("datasets", {})
    found: dict[str, list[dict]] = {}

    def visit(node) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
            return
        if not isinstance(node, dict):
            return
        data = node.get("data")
        if isinstance(data, dict):
            if "url" in data:
                raise ValueError(f"chart reads data from a URL ({data['url']}); het charts inline their data")
            if "name" in data:
                if data["name"] not in datasets:
                    raise ValueError(f"chart refers to dataset {data['name']!r}, which it does not hold")
                found[f"name:{data['name']}"] = datasets[data["name"]]
            elif "values" in data:
                found[f"values:{json.dumps(data['values'], sort_keys=True, default=str)}"] = data["values"]
        for key, value in node.items():
            if key not in ("data", "datasets"):
                visit(value)

    visit(spec)
    # Altair names datasets by a hash of their content, so equal data under two names is one dataset.
    distinct = {json.dumps(rows, sort_keys=True, default=str): rows for rows in found.values()}
    if not distinct:
        raise ValueError("chart has no inline data")
    if len(distinct) > 1:
        raise ValueError(f"chart has {len(distinct)} datasets; a het chart inlines exactly one")
    (rows,) = distinct.values()
    return [dict(row) for row in rows]
