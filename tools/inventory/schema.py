"""The inventory schema as other faces see it: the allow-list and a JSON-ready description.

`ALLOWED_COLUMNS` is the single allow-list the validator enforces (tables -> columns); nothing
else in the database (the airline desk's bookings, complaints, ...) is reachable from text-to-SQL.
`describe_schema()` feeds the LLM prompt and the MCP resource.
"""

from __future__ import annotations

from typing import Any

from tools.inventory.catalog import (
    BODY_TYPES,
    BRANDS,
    CITIES,
    COLORS,
    FUEL_TYPES,
    REFERENCE_DATE,
    STATUSES,
    STORES,
)
from tools.inventory.spec import VEHICLE_COLUMNS

ALLOWED_COLUMNS: dict[str, tuple[str, ...]] = {
    "stores": ("store_id", "name", "city"),
    "vehicles": VEHICLE_COLUMNS,
}
ALLOWED_TABLES = frozenset(ALLOWED_COLUMNS)

_COLUMNS: dict[str, list[dict[str, Any]]] = {
    "stores": [
        {"name": "store_id", "type": "TEXT", "key": "primary", "description": "store id, e.g. 'S01'"},
        {"name": "name", "type": "TEXT", "description": "store name, e.g. 'Shanghai Pudong'"},
        {"name": "city", "type": "TEXT", "description": "city in English", "values": list(CITIES)},
    ],
    "vehicles": [
        {"name": "vehicle_id", "type": "TEXT", "key": "primary", "description": "'V00001', 'V00002', ..."},
        {"name": "vin", "type": "TEXT", "key": "unique", "description": "17-character VIN"},
        {
            "name": "brand",
            "type": "TEXT",
            "description": "brand in English",
            "values": [b.name for b in BRANDS],
        },
        {"name": "model", "type": "TEXT", "description": "model name in English, e.g. 'Han', 'Model Y'"},
        {"name": "model_year", "type": "INTEGER", "description": "model year (款), e.g. 2026"},
        {"name": "body_type", "type": "TEXT", "values": list(BODY_TYPES)},
        {"name": "fuel_type", "type": "TEXT", "values": list(FUEL_TYPES)},
        {"name": "color", "type": "TEXT", "values": list(COLORS)},
        {
            "name": "intake_date",
            "type": "DATE",
            "description": "day the dealer received the car (接车日期, 入库日期)",
        },
        {
            "name": "guide_price",
            "type": "NUMERIC",
            "description": "manufacturer's guide price in CNY (指导价)",
        },
        {"name": "status", "type": "TEXT", "values": list(STATUSES)},
        {"name": "store_id", "type": "TEXT", "key": "foreign", "references": "stores.store_id"},
        {"name": "mileage_km", "type": "INTEGER", "description": "odometer in km; new cars mostly 0-50"},
    ],
}


def describe_schema() -> dict[str, Any]:
    """Tables, columns (types, allowed values), the join, and the brand/model/store catalogue."""
    return {
        "tables": [
            {"name": "stores", "description": "dealer stores, 2-3 per city", "columns": _COLUMNS["stores"]},
            {
                "name": "vehicles",
                "description": "one row per car the dealer holds or held",
                "columns": _COLUMNS["vehicles"],
            },
        ],
        "joins": ["vehicles.store_id = stores.store_id"],
        "brands": [{"name": b.name, "zh": list(b.zh), "models": [m.name for m in b.models]} for b in BRANDS],
        "stores": [{"store_id": s.store_id, "name": s.name, "city": s.city} for s in STORES],
        "cities": [{"name": c, "zh": list(zh)} for c, zh in CITIES.items()],
        "data_as_of": REFERENCE_DATE.isoformat(),
        "read_only": True,
    }


def schema_text() -> str:
    """A compact text form of the schema for prompts."""
    lines = []
    for table in describe_schema()["tables"]:
        cols = []
        for col in table["columns"]:
            extra = f" one of {col['values']}" if "values" in col else ""
            note = f" -- {col['description']}" if "description" in col else ""
            cols.append(f"  {col['name']} {col['type']}{extra}{note}")
        lines.append(f"TABLE {table['name']} ({table['description']})\n" + "\n".join(cols))
    lines.append("JOIN vehicles.store_id = stores.store_id")
    brands = "; ".join(f"{b.name} ({'/'.join(b.zh)}): {', '.join(m.name for m in b.models)}" for b in BRANDS)
    lines.append(f"BRANDS AND MODELS: {brands}")
    lines.append("CITIES: " + ", ".join(f"{c} ({'/'.join(zh)})" for c, zh in CITIES.items()))
    return "\n".join(lines)
