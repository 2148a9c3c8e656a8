"""Shared fixtures: a real store seeded from /seeds once per session, copied per test."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
TEST_USER = "tester"
# Documents are named by their absolute path, and snapshots show it: the seeded store is
# ingested from this fixed copy, not from wherever the checkout happens to be.
STABLE_SEEDS = Path(tempfile.gettempdir()) / "newsdesk-tests" / "seeds"


def stable_seeds() -> Path:
    for seed in SEEDS.glob("*.txt"):
        copy = STABLE_SEEDS / seed.name
        if not copy.exists() or copy.read_bytes() != seed.read_bytes():
            copy.parent.mkdir(parents=True, exist_ok=True)
            tmp = copy.parent / f".{seed.name}.{os.getpid()}.tmp"  # hidden: ingest skips it
            shutil.copyfile(seed, tmp)
            os.replace(tmp, copy)  # several test runs at once each see a whole file
    return STABLE_SEEDS


@pytest.fixture(scope="session")
def seeded_store_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store folder holding the five seed documents (ingested once per session)."""
    from store.ingest import ingest_paths
    from store.storage.store import Store

    root = tmp_path_factory.mktemp("seeded") / "store"
    results = ingest_paths(Store(root, user=TEST_USER), [stable_seeds()])
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    return root


@pytest.fixture
def seeded_store_dir(seeded_store_template: Path, tmp_path: Path) -> Path:
    """A private copy of the seeded store folder for one test."""
    root = tmp_path / "store"
    shutil.copytree(seeded_store_template, root)
    return root


@pytest.fixture
def seeded_store(seeded_store_dir: Path):
    """A Store over a private copy of the seeded folder, as user `tester`."""
    from store.storage.store import Store

    return Store(seeded_store_dir, user=TEST_USER)


class NotificationLog(list):
    """Every notification the app was asked to show, from the public `Notify` message.

    Pass `message_hook=log` to `App.run_test`; `log.messages()` gives the texts.
    """

    def __call__(self, message) -> None:
        from textual.notifications import Notify

        if isinstance(message, Notify):
            self.append(message.notification)

    def messages(self, severity: str | None = None) -> list[str]:
        return [n.message for n in self if severity is None or n.severity == severity]


@pytest.fixture
def notifications() -> NotificationLog:
    """A message hook that records the app's notifications (see NotificationLog)."""
    return NotificationLog()
