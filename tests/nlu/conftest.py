"""The NLU tests share the suite's one real Nlu (tests/conftest.py `shared_nlu`): building it
trains the classifier and indexes the worldwide gazetteer once per run, in a temporary cache."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from nlu import Nlu

# A fixed message time, so that "yesterday" has one right answer.
MESSAGE_TIME = datetime(2024, 5, 15, 10, 30, tzinfo=UTC)  # a Wednesday


@pytest.fixture(scope="session")
def nlu(shared_nlu: Nlu) -> Nlu:
    return shared_nlu
