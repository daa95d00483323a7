"""Reliability through real `kb ingest` processes: kill -9 mid-run loses nothing and a
re-run completes the job; concurrent ingests equal one ingest (PostgreSQL) and queue
instead of failing (SQLite)."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO, fresh_postgres_database
from tests.snapshots import store_snapshot

pytestmark = pytest.mark.slow
DATA = REPO / "data"


def kb_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "kb", *args]


def run_kb(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(kb_command(*args), capture_output=True, text=True, timeout=600)


def data_files() -> list[str]:
    return sorted(str(p) for p in DATA.rglob("*") if p.is_file() and p.name != "README.md")


@pytest.fixture(scope="module")
def reference_sqlite(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The store one uninterrupted single-process ingest of data/ gives."""
    db = tmp_path_factory.mktemp("ref") / "ref.db"
    result = run_kb("ingest", *data_files(), "--db", str(db), "--quiet")
    assert result.returncode == 0, result.stderr
    return store_snapshot(f"sqlite:///{db}")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_9_mid_ingest_then_rerun_gives_the_same_store(
    tmp_path: Path, reference_sqlite: dict, seed: int
) -> None:
    db = tmp_path / "kb.db"
    process = subprocess.Popen(
        kb_command("ingest", *data_files(), "--db", str(db), "--quiet"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(random.Random(seed).uniform(1.5, 5.0))
    process.send_signal(signal.SIGKILL)
    process.wait()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    rerun = run_kb("ingest", *data_files(), "--db", str(db), "--quiet")
    assert rerun.returncode == 0, rerun.stderr
    assert store_snapshot(f"sqlite:///{db}") == reference_sqlite


def test_two_sqlite_ingests_at_once_both_finish(tmp_path: Path, reference_sqlite: dict) -> None:
    db = tmp_path / "kb.db"
    files = data_files()
    processes = [
        subprocess.Popen(
            kb_command("ingest", *part, "--db", str(db), "--quiet"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for part in (files, list(reversed(files)))
    ]
    answers = []
    while any(p.poll() is None for p in processes):
        answers.append(run_kb("sql", "select count(*) from v_entities", "--db", str(db)))
        time.sleep(0.2)
    for process in processes:
        _, err = process.communicate()
        assert process.returncode == 0, err
        assert "locked" not in err
    assert all(a.returncode == 0 for a in answers), [a.stderr for a in answers]
    assert store_snapshot(f"sqlite:///{db}") == reference_sqlite


@pytest.mark.postgres
def test_four_postgres_ingests_over_overlapping_inputs_equal_one() -> None:
    files = data_files()
    # Every file goes to at least two of the four processes, in different orders.
    parts = [files[i::2] + files[(i + 1) % 4 :: 4] for i in range(4)]
    assert set().union(*parts) == set(files)
    with fresh_postgres_database() as single, fresh_postgres_database() as shared:
        first = run_kb("ingest", *files, "--db", single, "--quiet")
        assert first.returncode == 0, first.stderr
        processes = [
            subprocess.Popen(
                kb_command("ingest", *part, "--db", shared, "--quiet"),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONHASHSEED": str(i)},
            )
            for i, part in enumerate(parts)
        ]
        for process in processes:
            _, err = process.communicate(timeout=600)
            assert process.returncode == 0, err
            assert "deadlock" not in err.lower()
        assert store_snapshot(shared) == store_snapshot(single)
