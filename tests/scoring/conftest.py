"""Real recordings shared by the scoring tests (AIST++ via `scoring.validate`)."""

import pytest

from scoring import Reference
from scoring.validate import HELD_OUT_AIST, aist_attempt, aist_routine

NAME = HELD_OUT_AIST[0]  # gBR_sBM_cAll_d06_mBR2_ch06: 9.6 s of break dance at 100 BPM


@pytest.fixture(scope="session")
def routine() -> dict:
    return aist_routine(NAME)


@pytest.fixture(scope="session")
def reference(routine) -> Reference:
    return Reference.from_routine(routine)


@pytest.fixture(scope="session")
def attempt() -> dict:
    """Camera c03's 2D detections of the same dance (a side view)."""
    return aist_attempt(NAME, 2)
