"""Unit constants and conversions used across the toolkit.

Names carry their unit, so a conversion reads as arithmetic on units:
``area_m2 / M2_PER_KM2`` is square kilometres.
"""

from __future__ import annotations

__all__ = ["HA_PER_KM2", "M2_PER_KM2", "M_PER_KM", "ha_to_km2", "km2_to_ha", "m2_to_km2"]

M_PER_KM: float = 1_000.0
M2_PER_KM2: float = 1_000_000.0
HA_PER_KM2: float = 100.0


def m2_to_km2(area_m2: float) -> float:
    """Convert square metres to square kilometres.

    Examples
    --------
    >>> m2_to_km2(2_500_000.0)
    2.5
    """
    return area_m2 / M2_PER_KM2


def ha_to_km2(area_ha: float) -> float:
    """Convert hectares to square kilometres (100 ha = 1 km²).

    Examples
    --------
    >>> ha_to_km2(261_868.0)  # Land of the Leopard NP, official area
    2618.68
    """
    return area_ha / HA_PER_KM2


def km2_to_ha(area_km2: float) -> float:
    """Convert square kilometres to hectares (1 km² = 100 ha).

    Examples
    --------
    >>> km2_to_ha(180.448)
    18044.8
    """
    return area_km2 * HA_PER_KM2
