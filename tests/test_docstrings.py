"""Every public function and class documents itself with a runnable Examples section.

The Examples sections run as doctests (``--doctest-modules`` over ``src``); this test makes
sure none is missing, and that docstrings speak of the code only: no issue numbers, no
benchmark timing tables, no paths outside the repository.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import leopardrange

SRC = Path(leopardrange.__file__).resolve().parent

#: A numpydoc Examples section holding at least one doctest.
EXAMPLES = re.compile(r"^Examples\n-{8,}\n(?:.*\n)*?\s*>>> ", re.M)

#: What a docstring must not say.
FORBIDDEN = {
    "an issue number": re.compile(r"(?i)\b(?:issues?|PR)\s*#?\s*\d+"),
    "a benchmark results table": re.compile(
        r"(?im)benchmarks/results|^\s*\|.*\b\d+(?:\.\d+)?\s?(?:ms|µs|s|min)\b.*\|\s*$"
    ),
    "a path outside the repository": re.compile(r"/work/|\.\./shared/"),
}


def public_modules() -> list[str]:
    names = ["leopardrange"]
    for info in pkgutil.walk_packages(leopardrange.__path__, "leopardrange."):
        if not any(part.startswith("_") for part in info.name.split(".")):
            names.append(info.name)
    return names


def public_objects() -> list[tuple[str, object]]:
    """Every public function and class (exceptions aside) defined in a public module."""
    found = []
    for name in public_modules():
        module = importlib.import_module(name)
        names = getattr(module, "__all__", None)
        if names is None:
            names = [n for n in vars(module) if not n.startswith("_")]
        for attr in names:
            obj = getattr(module, attr, None)
            if not (inspect.isfunction(obj) or inspect.isclass(obj)):
                continue
            if getattr(obj, "__module__", None) != name:
                continue  # re-exported: checked where it is defined
            if inspect.isclass(obj) and issubclass(obj, BaseException):
                continue
            found.append((f"{name}.{attr}", obj))
    return found


def has_examples(obj: object) -> bool:
    return bool(EXAMPLES.search(inspect.getdoc(obj) or ""))


def test_every_public_function_and_class_has_examples() -> None:
    objects = public_objects()
    assert len(objects) > 200  # the walk found the package, not an empty shell
    missing = [name for name, obj in objects if not has_examples(obj)]
    assert not missing, "public objects without an Examples section:\n" + "\n".join(missing)


def test_the_check_can_fail() -> None:
    def documented() -> None:
        """Do nothing.

        Examples
        --------
        >>> documented()
        """

    def undocumented() -> None:
        """Do nothing, with an example in prose only: call ``undocumented()``."""

    def heading_only() -> None:
        """Do nothing.

        Examples
        --------
        Call it.
        """

    assert has_examples(documented)
    assert not has_examples(undocumented) and not has_examples(heading_only)


def docstrings() -> list[tuple[str, str]]:
    """Every docstring in the source, private modules included (read, not imported)."""
    out = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                doc = ast.get_docstring(node)
                if doc:
                    where = f"{path.relative_to(SRC.parent)}:{getattr(node, 'name', '<module>')}"
                    out.append((where, doc))
    return out


def test_docstrings_speak_of_the_code_only() -> None:
    found = docstrings()
    assert len(found) > 300
    bad = [
        f"{where}: {what} ({hit.group(0)!r})"
        for where, doc in found
        for what, pattern in FORBIDDEN.items()
        if (hit := pattern.search(doc))
    ]
    assert not bad, "\n".join(bad)


def test_the_forbidden_patterns_catch_what_they_name() -> None:
    def caught(text: str) -> set[str]:
        return {what for what, pattern in FORBIDDEN.items() if pattern.search(text)}

    assert caught("Fixed in issue #12.") == {"an issue number"}
    assert caught("see issue 9") == {"an issue number"}
    assert caught("| tool | 1.5 s |") == {"a benchmark results table"}
    assert caught("as in ../shared/FACTS.md") == {"a path outside the repository"}
    assert caught("Areas in km², 12 issues of the journal, 3 s per call.") == set()
