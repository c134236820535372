from __future__ import annotations

import inspect

import pytest

from leopardrange import errors


def _classes() -> list[type[BaseException]]:
    return [
        obj
        for name, obj in vars(errors).items()
        if inspect.isclass(obj) and issubclass(obj, BaseException) and name in errors.__all__
    ]


@pytest.mark.parametrize("cls", _classes(), ids=lambda c: c.__name__)
def test_every_error_has_the_root_and_a_builtin(cls: type[BaseException]) -> None:
    assert issubclass(cls, errors.LeopardRangeError)
    if cls is not errors.LeopardRangeError:
        builtins = [b for b in cls.__mro__ if b.__module__ == "builtins" and b is not object]
        assert any(b not in (Exception, BaseException) for b in builtins), cls


def test_all_lists_every_class() -> None:
    assert len(_classes()) == len(errors.__all__)


def test_schema_error_message_is_not_quoted() -> None:
    assert str(errors.SchemaError("field 'epoch' missing")) == "field 'epoch' missing"
