"""The tests mirror the package: every public module has its own test module.

``leopardrange.X`` is tested in ``tests/test_X.py``, ``leopardrange.pkg.mod`` in
``tests/test_pkg_mod.py`` and a package's ``__init__`` in ``tests/test_pkg.py``. Test modules
that test no single module (catalogues, oracles, real clients, the data, the docs) are listed
in :data:`CROSS_CUTTING`, each with what it tests.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import leopardrange

TESTS = Path(__file__).parent

#: Test modules that do not mirror one module, and what they test across the package.
CROSS_CUTTING = {
    "test_corridors_kernel.py": "the private kernel: its C and numba builds agree bit for bit",
    "test_circuit_verify.py": "Circuitscape.jl's published raster tests through the API",
    "test_docstrings.py": "every public docstring: Examples sections, no issue numbers",
    "test_fuzz.py": "a fuzzer: mutated study files, recipes, layers and options through the CLI",
    "test_geodata.py": "the embedded data in geodata/: validity, areas, sources, licences",
    "test_hostile.py": "the catalogue of hostile inputs, part 1",
    "test_hostile_numbers.py": "the catalogue of hostile inputs, part 2: never a wrong number",
    "test_layout.py": "this mirror of the package",
    "test_notebooks.py": "every notebook in notebooks/ runs top to bottom",
    "test_qgis.py": "the exported projects opened in a real QGIS",
    "test_readme.py": "the README's API examples run and give the report's numbers",
}

#: Public packages whose ``__init__`` defines nothing to test (only a docstring).
EMPTY_PACKAGES = {"leopardrange.cli"}


def public_modules() -> list[str]:
    """Every public module of leopardrange (no part of its name starts with ``_``)."""
    names = ["leopardrange"]
    for info in pkgutil.walk_packages(leopardrange.__path__, "leopardrange."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return sorted(names)


def mirror_of(module: str) -> str:
    """``leopardrange.pkg.mod`` → ``test_pkg_mod.py`` (the root: ``test_leopardrange.py``)."""
    parts = module.split(".")[1:] or ["leopardrange"]
    return "test_" + "_".join(parts) + ".py"


def test_the_mapping_follows_the_scheme() -> None:
    assert mirror_of("leopardrange.corridors.costdistance") == "test_corridors_costdistance.py"
    assert mirror_of("leopardrange.report") == "test_report.py"
    assert mirror_of("leopardrange.crs") == "test_crs.py"


def test_every_public_module_has_its_test_module() -> None:
    modules = public_modules()
    assert "leopardrange.corridors.costdistance" in modules and len(modules) > 40
    missing = [
        f"{m} → tests/{mirror_of(m)}"
        for m in modules
        if m not in EMPTY_PACKAGES and not (TESTS / mirror_of(m)).is_file()
    ]
    assert not missing, "public modules without their test module:\n" + "\n".join(missing)


def test_every_test_module_mirrors_a_module_or_is_cross_cutting() -> None:
    expected = {mirror_of(m) for m in public_modules()}
    stray = sorted(
        p.name
        for p in TESTS.glob("test_*.py")
        if p.name not in expected and p.name not in CROSS_CUTTING
    )
    assert not stray, f"test modules that mirror no module and are not cross-cutting: {stray}"
    assert not set(CROSS_CUTTING) & expected


def test_empty_packages_are_empty() -> None:
    for name in EMPTY_PACKAGES:
        module = importlib.import_module(name)
        public = [
            n
            for n, obj in vars(module).items()
            if not n.startswith("_") and n != "annotations" and not inspect.ismodule(obj)
        ]
        assert not public, f"{name} now defines {public}: give it tests/{mirror_of(name)}"
