"""Shared fixtures: third-party reference vectors (../shared/reference) and the Sionna oracle.

On a user's machine without ``../shared`` or without Sionna, the tests that need them skip with a
reason. In CI (``CI=true``) such a skip is turned into a failure, so that the independent checks
can never silently stop running.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
REPO_ROOT = Path(__file__).resolve().parents[1]


def _reference_dir() -> Path | None:
    env = os.environ.get("OPENNR_REFERENCE")
    candidates = [Path(env)] if env else []
    candidates.append(REPO_ROOT.parent / "shared" / "reference")
    for path in candidates:
        if path.is_dir():
            return path
    return None


def _skip_or_fail(reason: str):
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this independent check must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """Path of ``../shared/reference`` (or ``$OPENNR_REFERENCE``)."""
    path = _reference_dir()
    if path is None:
        _skip_or_fail("third-party reference vectors not found: ../shared/reference is absent")
    return path


@pytest.fixture(scope="session")
def sionna():
    """The ``sionna.phy`` module of sionna-no-rt 2.2, used as a bit-exact oracle."""
    try:
        import torch

        torch.set_num_threads(1)
        import sionna.phy as sp
    except Exception as exc:  # ImportError, or a broken torch install
        _skip_or_fail(f"Sionna oracle not available: {exc!r}; pip install sionna-no-rt==2.2.0")
    return sp


@pytest.fixture
def rng() -> np.random.Generator:
    """A fixed-seed generator: every random test is reproducible."""
    return np.random.default_rng(20261125)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if IN_CI and report.skipped and (
        item.get_closest_marker("oracle") or item.get_closest_marker("reference")
    ):
        report.outcome = "failed"
        report.longrepr = f"skipped an oracle/reference test in CI: {report.longrepr}"
