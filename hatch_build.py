"""Hatch build hook: ship the embedded data of geodata/ inside the wheel as leopardrange/_geodata.

Only the data users need (GeoPackages, GeoTIFFs, study files, SOURCES.md, LICENSE-DATA) is
shipped, not the build scripts, the source extracts (geodata/sources/) or the download cache.
Editable installs read geodata/ of the clone directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SHIPPED_SUFFIXES = {".gpkg", ".tif", ".toml", ".md"}
SHIPPED_NAMES = {"LICENSE-DATA"}


class GeodataHook(BuildHookInterface):  # type: ignore[misc]
    """Add every shipped file of geodata/ to the wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Force-include the shipped files (not for editable installs)."""
        if version == "editable":
            return
        root = Path(self.root) / "geodata"
        for path in sorted(root.glob("*")):
            if path.is_file() and (path.suffix in SHIPPED_SUFFIXES or path.name in SHIPPED_NAMES):
                build_data["force_include"][str(path)] = f"leopardrange/_geodata/{path.name}"
