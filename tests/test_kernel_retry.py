"""The root conftest.py starts a notebook kernel again when it dies before answering."""

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def load_root_conftest():
    spec = importlib.util.spec_from_file_location("rmsviz_root_conftest", ROOT / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_kernel_that_dies_at_start_is_started_again(monkeypatch):
    root = load_root_conftest()
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError("Kernel died before replying to kernel_info")
        return "manager", "client"

    monkeypatch.setattr(root, "_start_new_kernel", flaky)
    assert root._start_with_retries(kernel_name="python3") == ("manager", "client")
    assert len(calls) == 3


def test_other_errors_and_the_last_attempt_are_not_hidden(monkeypatch):
    root = load_root_conftest()

    def broken(*args, **kwargs):
        raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(root, "_start_new_kernel", broken)
    with pytest.raises(RuntimeError, match="Kernel died"):
        root._start_with_retries()

    def other(*args, **kwargs):
        raise RuntimeError("No such kernel")

    monkeypatch.setattr(root, "_start_new_kernel", other)
    with pytest.raises(RuntimeError, match="No such kernel"):
        root._start_with_retries()
