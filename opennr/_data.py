"""Cached loading of the spec tables shipped as package data (CSV files under ``*/data/``)."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources


@cache
def read_csv_rows(package: str, filename: str) -> tuple[dict[str, str], ...]:
    """Rows of a package-data CSV file as dicts; lines starting with ``#`` are provenance notes."""
    text = resources.files(package).joinpath("data", filename).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return tuple(csv.DictReader(lines))
