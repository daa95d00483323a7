"""Faults of the store and its surroundings: a corrupt SQLite file, a database at a newer
schema revision, PostgreSQL down or refusing, a read-only database, a full disk. Each is
one clear line on stderr and a non-zero exit, never a traceback, and never damage."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from kb.store.engine import make_engine
from tests.conftest import STORES, empty_store_url
from tests.reliability.helpers import (
    STORE_COMMANDS,
    assert_clean_outcome,
    assert_one_clear_error,
    file_digest,
    kb,
    kb_command,
    kb_process,
    small_store,
    store_command,
    table_counts,
)
from tests.snapshots import store_snapshot

COMMANDS = list(STORE_COMMANDS)


def command(tmp_path: Path, name: str, db: str) -> list[str]:
    return [*store_command(tmp_path, name), "--db", db]


def checkpoint(db: Path) -> None:
    """Everything in the main database file, nothing left in the WAL."""
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


# --- a corrupt SQLite file ---------------------------------------------------------------


def _garbage(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 64)


def _other_kind(path: Path) -> None:
    path.write_text("article_id,title\n1,not a database\n", encoding="utf-8")


def _bad_header(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)


CORRUPTIONS = {"garbage": _garbage, "a CSV file": _other_kind, "bad header": _bad_header}


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_a_file_that_is_not_a_database_is_one_clear_line_and_is_not_touched(
    tmp_path: Path, corruption: str, name: str
) -> None:
    db = tmp_path / "kb.db"
    CORRUPTIONS[corruption](db)
    before = file_digest(db)
    assert_one_clear_error(kb(*command(tmp_path, name, str(db))), "not a SQLite database")
    assert file_digest(db) == before
    assert not (tmp_path / "articles.csv").exists()
    assert not (tmp_path / "graph.svg").exists()


@pytest.mark.parametrize("name", COMMANDS)
@pytest.mark.parametrize("offset", [4096, 8192, 40960, 81920])
def test_damaged_pages_are_a_clean_answer_or_one_clear_line(
    tmp_path: Path, name: str, offset: int
) -> None:
    db = tmp_path / "kb.db"
    small_store(f"sqlite:///{db}")
    checkpoint(db)
    with db.open("r+b") as damaged:
        damaged.seek(offset)
        damaged.write(bytes(range(256)) * 16)
    before = file_digest(db)
    result = kb(*command(tmp_path, name, str(db)))
    assert_clean_outcome(result)
    assert file_digest(db) == before


# --- a database newer than the code ------------------------------------------------------

FUTURE = "ffff_from_the_future"


@pytest.fixture(scope="module", params=STORES)
def future_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A store with data whose schema revision this code does not know."""
    with empty_store_url(str(request.param), tmp_path_factory.mktemp("future")) as url:
        small_store(url)
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": FUTURE})
        engine.dispose()
        yield url


@pytest.mark.parametrize("name", [n for n in COMMANDS if n not in ("db current", "db upgrade")])
def test_a_newer_database_is_refused_and_left_as_it_is(
    future_db: str, tmp_path: Path, name: str
) -> None:
    before = store_snapshot(future_db)
    line = assert_one_clear_error(kb(*command(tmp_path, name, future_db)))
    assert f"database schema {FUTURE} is newer than this version of newskb" in line
    assert store_snapshot(future_db) == before
    assert table_counts(future_db)["alembic_version"] == 1
    assert not (tmp_path / "articles.csv").exists()


def test_db_upgrade_of_a_newer_database_says_so_and_changes_nothing(
    future_db: str, tmp_path: Path
) -> None:
    before = store_snapshot(future_db)
    line = assert_one_clear_error(kb("db", "upgrade", "--db", future_db))
    assert f"'{FUTURE}'" in line
    assert "this version of newskb knows revisions up to" in line
    assert store_snapshot(future_db) == before


def test_db_current_shows_a_newer_revision(future_db: str) -> None:
    result = kb("db", "current", "--db", future_db)
    assert result.exit_code == 0, result.output
    assert FUTURE in result.stdout


def test_an_unknown_target_revision_is_one_clear_line(tmp_path: Path) -> None:
    db = str(tmp_path / "kb.db")
    small_store(f"sqlite:///{db}")
    assert_one_clear_error(kb("db", "upgrade", "--revision", "nonsense", "--db", db), "nonsense")


# --- PostgreSQL down or refusing ---------------------------------------------------------


@contextlib.contextmanager
def fake_server(behaviour: str) -> Iterator[int]:
    """A local port where a 'server' hangs up at once or never answers."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.2)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                continue
            if behaviour == "hang up":
                conn.close()
            else:
                accepted.append(conn)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        stop.set()
        thread.join()
        for conn in accepted:
            conn.close()
        listener.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize("name", COMMANDS)
def test_postgres_refusing_the_connection_is_one_clear_line(tmp_path: Path, name: str) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/kb"
    assert_one_clear_error(kb(*command(tmp_path, name, url)), "connection", "refused")


@pytest.mark.parametrize("name", ["stats", "who-met", "sql", "export", "ingest", "db upgrade"])
def test_postgres_hanging_up_is_one_clear_line(tmp_path: Path, name: str) -> None:
    with fake_server("hang up") as port:
        url = f"postgresql://postgres@127.0.0.1:{port}/kb"
        assert_one_clear_error(kb(*command(tmp_path, name, url)), "connection")


@pytest.mark.parametrize("name", ["stats", "sql", "ingest"])
def test_postgres_never_answering_is_one_clear_line_after_the_timeout(
    tmp_path: Path, name: str
) -> None:
    with fake_server("silent") as port:
        url = f"postgresql://postgres@127.0.0.1:{port}/kb?connect_timeout=1"
        started = time.perf_counter()
        assert_one_clear_error(kb(*command(tmp_path, name, url)), "timeout")
        assert time.perf_counter() - started < 30


@pytest.mark.slow
def test_postgres_never_answering_times_out_without_a_timeout_in_the_url(tmp_path: Path) -> None:
    with fake_server("silent") as port:
        started = time.perf_counter()
        result = kb_process("stats", "--db", f"postgresql://postgres@127.0.0.1:{port}/kb")
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "timeout" in result.stderr
    assert time.perf_counter() - started < 60


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("target", "fragment"),
    [
        ("postgresql://kb_nobody_{n}@{host}/{db}", "kb_nobody_"),
        ("postgresql://{user}@{host}/kb_missing_{n}", "kb_missing_"),
    ],
)
def test_postgres_refusing_a_role_or_a_database_is_one_clear_line(
    tmp_path: Path, target: str, fragment: str
) -> None:
    from sqlalchemy.engine import make_url

    from tests.conftest import POSTGRES_URL

    if not POSTGRES_URL:
        pytest.skip("needs KB_TEST_POSTGRES_URL")
    server = make_url(POSTGRES_URL)
    url = target.format(
        n=os.getpid(),
        host=f"{server.host}:{server.port or 5432}",
        db=server.database,
        user=server.username,
    )
    for name in ("stats", "who-met", "sql", "ingest", "db current"):
        assert_one_clear_error(kb(*command(tmp_path, name, url)), fragment)


def test_postgres_down_in_a_real_process_is_one_line_on_stderr_and_exit_1(
    tmp_path: Path,
) -> None:
    url = f"postgresql://postgres@127.0.0.1:{free_port()}/kb"
    env = {**os.environ, "KB_DATABASE_URL": url}
    env.pop("KB_DEBUG", None)
    for args in (["who-met", "Anna Berg"], ["sql", "select 1"], ["db", "upgrade"]):
        result = kb_process(*args, env=env)
        assert result.returncode == 1, result.stderr
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert "refused" in result.stderr
        assert "Traceback" not in result.stderr


# --- a read-only database ----------------------------------------------------------------


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[None]:
    """`path` made unwritable even for root (chattr +i), or the test skipped."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot make a file immutable here: {made.stderr.strip()}")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


@contextlib.contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A small RAM file system at `folder`, or the test skipped (needs root and mounts)."""
    folder.mkdir(exist_ok=True)
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def remount(folder: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(folder)], check=True)


WRITING_COMMANDS = ("ingest", "db upgrade")
READING_COMMANDS = [name for name in COMMANDS if name not in WRITING_COMMANDS]


def test_an_immutable_database_file_serves_reads_and_refuses_ingest(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    small_store(f"sqlite:///{db}")
    before = store_snapshot(f"sqlite:///{db}")
    digest = file_digest(db)
    with immutable(db):
        for name in READING_COMMANDS:
            result = kb(*command(tmp_path, name, str(db)))
            assert result.exit_code == 0, (name, result.output)
        for name in WRITING_COMMANDS:
            assert_one_clear_error(kb(*command(tmp_path, name, str(db))), "the file is read-only")
        assert file_digest(db) == digest
    assert store_snapshot(f"sqlite:///{db}") == before


@contextlib.contextmanager
def read_only_file_system(tmp_path: Path, *files: tuple[str, bytes]) -> Iterator[Path]:
    """A read-only file system holding `files` (name, content), or the test skipped."""
    with tmpfs(tmp_path / "ro", "4M") as folder:
        for name, content in files:
            (folder / name).write_bytes(content)
        remount(folder, "ro")
        yield folder


def checkpointed_store(tmp_path: Path) -> bytes:
    """The bytes of a small store whose every change is in the main file (no -wal)."""
    db = tmp_path / "made" / "kb.db"
    db.parent.mkdir()
    small_store(f"sqlite:///{db}")
    checkpoint(db)
    return db.read_bytes()


@pytest.mark.parametrize("name", READING_COMMANDS)
def test_reading_commands_work_on_a_read_only_file_system(tmp_path: Path, name: str) -> None:
    content = checkpointed_store(tmp_path)
    with read_only_file_system(tmp_path, ("kb.db", content)) as folder:
        result = kb(*command(tmp_path, name, str(folder / "kb.db")))
        assert result.exit_code == 0, result.output
        assert "Traceback" not in result.output
        assert sorted(p.name for p in folder.iterdir()) == ["kb.db"]
        assert (folder / "kb.db").read_bytes() == content


@pytest.mark.parametrize("name", WRITING_COMMANDS)
def test_writing_commands_on_a_read_only_file_system_are_one_clear_line(
    tmp_path: Path, name: str
) -> None:
    content = checkpointed_store(tmp_path)
    with read_only_file_system(tmp_path, ("kb.db", content)) as folder:
        result = kb(*command(tmp_path, name, str(folder / "kb.db")))
        assert_one_clear_error(result, "cannot write database", "read-only file system")


def test_reads_on_a_read_only_file_system_see_changes_still_in_the_wal(tmp_path: Path) -> None:
    """A copy taken while a writer had changes in its -wal file (and -shm beside it)."""
    db = tmp_path / "made" / "kb.db"
    db.parent.mkdir()
    small_store(f"sqlite:///{db}")
    with contextlib.closing(sqlite3.connect(db)) as writer:
        writer.execute("PRAGMA wal_autocheckpoint = 0")
        writer.execute("INSERT INTO entities (key, name, type) VALUES ('ada', 'Ada', 'PERSON')")
        writer.commit()
        files = [(f"kb.db{end}", db.with_name(f"kb.db{end}").read_bytes()) for end in ("", "-wal")]
        shm = ("kb.db-shm", db.with_name("kb.db-shm").read_bytes())
    with read_only_file_system(tmp_path, *files, shm) as folder:
        result = kb(
            "sql", "select name from entities where key = 'ada'", "--db", str(folder / "kb.db")
        )
        assert result.exit_code == 0, result.output
        assert "Ada" in result.stdout
    with read_only_file_system(tmp_path, *files) as folder:  # the -shm file lost
        result = kb("stats", "--db", str(folder / "kb.db"))
        assert_one_clear_error(
            result, "-wal file", "open the database once where it can be written"
        )


def test_reading_commands_work_in_a_read_only_folder(tmp_path: Path) -> None:
    """chmod 555 on the folder: SQLite cannot make the -shm file there (root can: skip)."""
    if os.geteuid() == 0:
        pytest.skip("root writes into a read-only folder anyway; the file system tests cover it")
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "kb.db"
    small_store(f"sqlite:///{db}")
    checkpoint(db)
    digest = file_digest(db)
    folder.chmod(0o555)
    try:
        for name in READING_COMMANDS:
            result = kb(*command(tmp_path, name, str(db)))
            assert result.exit_code == 0, (name, result.output)
        for name in WRITING_COMMANDS:
            result = kb(*command(tmp_path, name, str(db)))
            assert_one_clear_error(result, "cannot write database", "is read-only")
        assert sorted(p.name for p in folder.iterdir()) == ["kb.db"]
    finally:
        folder.chmod(0o755)
    assert file_digest(db) == digest


# --- a full disk -------------------------------------------------------------------------

FILLER_STORY = (
    "Story {n} from the harbour\n\n"
    "Orbit Tools CEO Jane Doe met with Arcadia chairman Tom Ueda{n} in Oslo on May 2, 2024. "
    "Orbit Tools said revenue rose {n}% to $4.{n} billion in the second quarter of 2024. "
    "{padding}\n"
)


def write_corpus(folder: Path, count: int) -> Path:
    folder.mkdir()
    padding = " ".join(
        f"The ferry {word} left the harbour at dawn and reached the island by noon."
        for word in ("service", "crew", "line", "boat", "team", "company") * 4
    )
    for n in range(count):
        story = FILLER_STORY.format(n=n, padding=padding)
        (folder / f"story-{n:03d}.txt").write_text(story, encoding="utf-8")
    return folder


def per_article(db: Path) -> dict[str, tuple[int, int, int]]:
    """Mentions, facts and figures of each stored article, by content hash."""
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return {
            row[0]: tuple(row[1:])
            for row in conn.execute(
                "SELECT a.content_hash,"
                " (SELECT count(*) FROM mentions m WHERE m.article_id = a.id),"
                " (SELECT count(*) FROM facts f WHERE f.article_id = a.id),"
                " (SELECT count(*) FROM figures g WHERE g.article_id = a.id)"
                " FROM articles a"
            )
        }


@pytest.mark.slow
def test_ingest_onto_a_full_disk_stops_cleanly_and_a_rerun_finishes(tmp_path: Path) -> None:
    """The disk fills in the middle of a transaction: the run stops with one clear line,
    every stored article is complete, and a rerun with room finishes the job.

    Half the corpus goes in first, then a filler leaves 64 KiB free, less than the next
    batch of articles needs (SQLite may commit a batch at once, so how many articles a
    given size holds moves with the batch; a filler makes the point of failure fixed)."""
    corpus = write_corpus(tmp_path / "corpus", 40)
    reference = tmp_path / "reference.db"
    done = kb("ingest", str(corpus), "--db", str(reference), "--quiet")
    assert done.exit_code == 0, done.output
    complete = per_article(reference)
    assert len(complete) == 40
    first_half = tmp_path / "first_half"
    first_half.mkdir()
    for story in sorted(corpus.iterdir())[:20]:
        shutil.copy(story, first_half / story.name)

    with tmpfs(tmp_path / "small", "4M") as folder:
        db = folder / "kb.db"
        assert kb("ingest", str(first_half), "--db", str(db), "--quiet").exit_code == 0
        free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
        (folder / "filler").write_bytes(b"\0" * (free - 64 * 1024))
        line = assert_one_clear_error(kb("ingest", str(corpus), "--db", str(db), "--quiet"))
        assert "full" in line

        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        stored = per_article(db)
        assert 20 <= len(stored) < len(complete)
        assert all(stored[h] == complete[h] for h in stored), "an article was stored partly"
        assert kb("stats", "--db", str(db)).exit_code == 0

        (folder / "filler").unlink()
        rerun = kb("ingest", str(corpus), "--db", str(db), "--quiet")
        assert rerun.exit_code == 0, rerun.output
        assert f"{len(stored)} unchanged" in rerun.stdout
        assert store_snapshot(f"sqlite:///{db}") == store_snapshot(f"sqlite:///{reference}")


def test_export_onto_a_full_disk_leaves_no_file_and_keeps_the_old_one(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    small_store(f"sqlite:///{db}")
    with tmpfs(tmp_path / "small", "64k") as folder:
        old = folder / "old.csv"
        old.write_text("the previous export\n", encoding="utf-8")
        with (folder / "filler").open("wb", buffering=0) as filler:
            with contextlib.suppress(OSError):
                while True:
                    filler.write(b"\0" * 4096)
        for out, extra in ((folder / "new.csv", []), (old, ["--force"])):
            result = kb("export", "v_mentions", "--db", str(db), "--out", str(out), *extra)
            assert "No space left on device" in assert_one_clear_error(result)
        assert old.read_text(encoding="utf-8") == "the previous export\n"
        assert sorted(p.name for p in folder.iterdir()) == ["filler", "old.csv"]


def test_export_to_a_read_only_file_system_is_one_clear_line(tmp_path: Path) -> None:
    db = tmp_path / "kb.db"
    small_store(f"sqlite:///{db}")
    with tmpfs(tmp_path / "ro", "1M") as folder:
        remount(folder, "ro")
        result = kb("export", "v_articles", "--db", str(db), "--out", str(folder / "a.csv"))
        assert "Read-only file system" in assert_one_clear_error(result)
        assert list(folder.iterdir()) == []


@pytest.mark.slow
@pytest.mark.postgres
def test_postgres_going_away_mid_ingest_loses_nothing_and_a_rerun_finishes(
    tmp_path: Path,
) -> None:
    from tests.conftest import fresh_postgres_database

    corpus = write_corpus(tmp_path / "corpus", 40)
    with fresh_postgres_database() as reference, fresh_postgres_database() as url:
        done = kb_process("ingest", str(corpus), "--db", reference, "--quiet")
        assert done.returncode == 0, done.stderr
        assert kb_process("db", "upgrade", "--db", url).returncode == 0

        process = subprocess.Popen(
            [*kb_command(), "ingest", str(corpus), "--db", url, "--quiet"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        engine = make_engine(url)
        try:
            stored = 0
            deadline = time.monotonic() + 120
            while stored < 3 and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.05)
                with engine.connect() as conn:
                    stored = conn.execute(text("SELECT count(*) FROM articles")).scalar_one()
            with engine.connect() as conn:  # the server drops every other session
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                )
        finally:
            engine.dispose()
        _, err = process.communicate(timeout=300)
        assert "Traceback" not in err
        if process.returncode != 0:  # it may also reconnect and finish: both are fine
            assert process.returncode == 1
            assert len(err.strip().splitlines()) == 1, err
        rerun = kb_process("ingest", str(corpus), "--db", url, "--quiet")
        assert rerun.returncode == 0, rerun.stderr
        assert store_snapshot(url) == store_snapshot(reference)
