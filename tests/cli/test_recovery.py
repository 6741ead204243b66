"""Recovery as a user meets it: a damaged index, a damaged cache, a backup, all from the CLI.

The index holds the seeds and 14 articles of the user's own folder, ingested after them, so a
repair that fell back on the seeds alone would visibly lose them.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.answer_store import ANSWERS_FILE, AnswerStore, StoredAnswer
from bot.cli.main import main as cli_main
from retrieval import Answer, Embedder, Engine
from retrieval.index.layout import CURRENT, EMBEDDING_CACHE, GENERATIONS, SOURCES
from tests.cli.runner import newsbot
from tests.stress.harness import synthetic_articles
from tests.support.paths import SEEDS

MINE = 14


@pytest.fixture(scope="module")
def user_index(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """Seeds, then 14 articles of the user's: two generations, the live one holding 19."""
    root = tmp_path_factory.mktemp("user")
    synthetic_articles(root / "mine", 1, count=MINE, paragraphs=1)
    shutil.copytree(root / "mine", root / "pristine")
    engine = Engine(root / "index", embedder=embedder)
    engine.ingest([SEEDS])
    assert len(engine.ingest([root / "mine"]).added) == MINE
    return root


@pytest.fixture
def home(user_index: Path, tmp_path: Path) -> Path:
    """A private copy of the index; the user's folder (where the index says its files are) is
    restored to its first state, since a test may delete files from it."""
    shutil.rmtree(user_index / "mine")
    shutil.copytree(user_index / "pristine", user_index / "mine")
    shutil.copytree(user_index / "index", tmp_path / "index")
    return tmp_path


def _live(index: Path) -> Path:
    return index / GENERATIONS / (index / CURRENT).read_text().strip()


def _flip(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x10
    path.write_bytes(bytes(data))


def _cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli_main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_following_the_corruption_advice_keeps_every_article(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = home / "index"
    _flip(_live(index) / "vectors.faiss")

    asked = newsbot("ask", "--index-dir", str(index), "What grew in region 1?")
    assert asked.returncode == 2
    assert "Traceback" not in asked.stderr
    assert f"newsbot repair --index-dir {index}" in asked.stderr  # names this index

    code, out, err = _cli("stats", "--index-dir", str(index), capsys=capsys)
    assert code == 2  # a script must see that the index cannot answer
    assert "DAMAGED" in out and f"Articles:   {5 + MINE}" in out
    assert "b0001_13.txt" in out and "000_b30ef85aa944bbd8.txt" in out
    assert "newsbot repair" in err

    code, out, _ = _cli("repair", "--index-dir", str(index), capsys=capsys)
    assert code == 0, out
    assert f"Articles:   {5 + MINE} of {5 + MINE} recorded" in out
    assert "LOST" not in out

    code, out, _ = _cli("stats", "--index-dir", str(index), capsys=capsys)
    assert code == 0 and f"Articles:   {5 + MINE}" in out
    code, out, _ = _cli("repair", "--index-dir", str(index), capsys=capsys)
    assert code == 0 and "nothing to repair" in out


def test_repair_rereads_recorded_files_when_no_generation_verifies(
    home: Path, user_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = home / "index"
    live = _live(index)
    (live / "meta.sqlite").write_bytes(b"SQLite format 3\0" + b"\xff" * 4000)
    for generation in (index / GENERATIONS).glob("gen-*"):
        (generation / "vectors.faiss").unlink()
    (user_index / "mine" / "b0001_03.txt").unlink()  # gone, and no intact copy holds it

    code, out, _ = _cli("repair", "--index-dir", str(index), capsys=capsys)

    assert code == 1  # one recorded article could not be recovered: say so in the status
    assert "LOST b0001_03.txt" in out
    assert "re-read b0001_12.txt" in out
    assert f"Articles:   {5 + MINE - 1} of {5 + MINE} recorded" in out
    assert not (index / GENERATIONS / live.name).exists()  # moved aside, never served
    code, out, _ = _cli("stats", "--index-dir", str(index), capsys=capsys)
    assert code == 0 and "b0001_12.txt" in out and "b0001_03.txt" not in out


def test_repair_without_any_record_says_what_to_do(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = home / "index"
    (index / SOURCES).unlink()
    for generation in (index / GENERATIONS).glob("gen-*"):
        shutil.rmtree(generation)

    code, _, err = _cli("repair", "--index-dir", str(index), capsys=capsys)

    assert code == 2
    assert "newsbot ingest --rebuild" in err and str(index) in err


@pytest.mark.slow
def test_a_damaged_embedding_cache_does_not_stop_a_rebuild(home: Path) -> None:
    index = home / "index"
    cache = index / EMBEDDING_CACHE
    data = bytearray(cache.read_bytes())
    data[:64] = b"\x00" * 64
    cache.write_bytes(bytes(data))

    result = newsbot("ingest", "--rebuild", "--quiet", "--index-dir", str(index))

    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "embedding cache" in result.stderr and "damaged" in result.stderr
    assert f"from its {5 + MINE} recorded sources" in result.stdout  # not from seeds/ alone
    assert list(cache.parent.glob("embeddings.sqlite.damaged-*"))
    with sqlite3.connect(cache) as db:
        assert db.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0] > 0


def test_backup_copies_a_live_index_with_sqlite_files_being_written(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    index = home / "index"
    store = AnswerStore.open(index / ANSWERS_FILE)
    writer = sqlite3.connect(index / ANSWERS_FILE)
    try:
        store.put(StoredAnswer("What grew?", user_id=1, chat_id=1, top_k=3), Answer("What grew?"))
        writer.execute("BEGIN IMMEDIATE")  # a writer mid-transaction while the backup runs
        writer.execute("DELETE FROM answers")
        code, out, _ = _cli(
            "backup", "--index-dir", str(index), str(tmp_path / "bk"), capsys=capsys
        )
    finally:
        writer.rollback()
        writer.close()
        store.close()

    assert code == 0, out
    assert "answers.sqlite" in out and "cache/embeddings.sqlite" in out
    code, out, _ = _cli("stats", "--index-dir", str(tmp_path / "bk"), capsys=capsys)
    assert code == 0 and f"Articles:   {5 + MINE}" in out
    with sqlite3.connect(tmp_path / "bk" / ANSWERS_FILE) as db:
        assert db.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 1

    code, _, err = _cli("backup", "--index-dir", str(index), str(tmp_path / "bk"), capsys=capsys)
    assert code == 2 and "already holds files" in err
