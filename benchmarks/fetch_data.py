"""``make bench-data``: download the evaluation data, verify every file, unpack it in place.

Run ``python -m benchmarks.fetch_data`` (``--help`` for options). ``benchmarks/data/
checksums.json`` lists, for each data set, where it comes from and the SHA-256 of every file
the benchmarks read. A data set already in the data folder (``NEWSBOT_DATA_DIR``, see
``benchmarks/data_dir.py``) is only verified. Otherwise its zip is downloaded (or taken from
``<data folder>/<name>.zip`` when put there by hand), unpacked into a temporary folder beside
its place, verified, and renamed into place, so a failure never leaves half a data set.

Exit status: 0 when every downloadable data set is there and verified, 2 otherwise; each
problem is one message that says what to do.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks import data_dir

MANIFEST = data_dir.ROOT / "benchmarks" / "data" / "checksums.json"
FAILED_EXIT = 2
CHUNK = 1 << 20
SHOWN_PROBLEMS = 3


class FetchError(Exception):
    """Raised when a data set cannot be downloaded, verified or unpacked (says what to do)."""


@dataclass(frozen=True, slots=True)
class Source:
    """One data set as the manifest describes it.

    Attributes:
        name: Its folder in the data folder.
        url: Where its zip is published, or None when it cannot be downloaded.
        archive_root: The folder inside the zip that holds its files.
        files: SHA-256 of every file, by path relative to its folder (``/``-separated).
    """

    name: str
    url: str | None
    archive_root: str
    files: dict[str, str]


def load_manifest(path: Path = MANIFEST) -> list[Source]:
    """The data sets of a checksums manifest, in its order."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return [
            Source(
                name=name,
                url=entry["url"],
                archive_root=entry.get("archive_root", name),
                files=dict(entry["files"]),
            )
            for name, entry in document["datasets"].items()
        ]
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise FetchError(
            f"cannot read the checksums manifest {path} ({error!r}): restore it with "
            "`git checkout benchmarks/data/checksums.json`"
        ) from error


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, as hex."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def verify(folder: Path, source: Source) -> list[str]:
    """What differs between ``folder`` and the manifest (empty when every file matches)."""
    problems = []
    for relative, expected in source.files.items():
        path = folder / relative
        if not path.is_file():
            problems.append(f"{relative} is missing")
        elif sha256_of(path) != expected:
            problems.append(f"{relative} has other contents")
    return problems


def _summary(problems: Sequence[str]) -> str:
    shown = "; ".join(problems[:SHOWN_PROBLEMS])
    more = len(problems) - SHOWN_PROBLEMS
    return f"{shown}; and {more} more" if more > 0 else shown


def download(url: str, target: Path, *, timeout: float) -> None:
    """Download ``url`` to ``target`` through ``target.part``, renamed only when complete."""
    partial = target.with_name(target.name + ".part")
    request = urllib.request.Request(url, headers={"User-Agent": "newsbot-bench-data"})
    try:
        with (
            urllib.request.urlopen(request, timeout=timeout) as response,
            partial.open("wb") as out,
        ):
            shutil.copyfileobj(response, out, CHUNK)
    except (urllib.error.URLError, OSError) as error:
        partial.unlink(missing_ok=True)
        reason = getattr(error, "reason", None) or error
        raise FetchError(f"could not download {url} ({reason})") from error
    partial.replace(target)


def unpack(archive: Path, source: Source, destination: Path) -> None:
    """Unpack the manifest's files from ``archive`` into ``destination``, verified, or nothing.

    Only files the manifest names are taken from the zip, so no member can land outside the
    temporary folder.

    Raises:
        FetchError: The zip is unreadable or its files differ from the manifest.
    """
    temporary = Path(tempfile.mkdtemp(prefix=f".{source.name}-", dir=destination.parent))
    try:
        prefix = f"{source.archive_root}/" if source.archive_root else ""
        with zipfile.ZipFile(archive) as bundle:
            for member in bundle.infolist():
                relative = member.filename.removeprefix(prefix)
                if member.is_dir() or relative not in source.files:
                    continue
                target = temporary / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                with bundle.open(member) as data, target.open("wb") as out:
                    shutil.copyfileobj(data, out, CHUNK)
        problems = verify(temporary, source)
        if problems:
            raise FetchError(
                f"{archive} does not hold the files benchmarks/data/checksums.json lists "
                f"({_summary(problems)})"
            )
        temporary.replace(destination)
    except zipfile.BadZipFile as error:
        raise FetchError(f"{archive} is not a readable zip file ({error})") from error
    finally:
        shutil.rmtree(temporary, ignore_errors=True)


def fetch(source: Source, folder: Path, *, timeout: float) -> str:
    """Make ``folder`` hold ``source``, verified; returns what was done.

    Raises:
        FetchError: It could not be done; the message says what to do instead.
    """
    archive = folder.with_name(f"{source.name}.zip")
    if folder.exists():
        problems = verify(folder, source)
        if not problems:
            return f"already there, {len(source.files)} files verified, in {folder}"
        raise FetchError(
            f"{folder} differs from benchmarks/data/checksums.json ({_summary(problems)}): move "
            f"it away or delete it, then run `{data_dir.FETCH_COMMAND}` again"
        )
    if source.url is None:
        raise FetchError(
            "cannot be downloaded: it is assembled from other projects' test "
            f"suites (benchmarks/data/README.md says which); put its folder at {folder}"
        )
    by_hand = archive.is_file()
    again = f"run `{data_dir.FETCH_COMMAND}` again"
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        if not by_hand:
            print(f"{source.name}: downloading {source.url}", flush=True)
            try:
                download(source.url, archive, timeout=timeout)
            except FetchError as error:
                raise FetchError(
                    f"{error}. Without network, download it elsewhere and put it at {archive} "
                    f"(or unpack it so that its files are in {folder}), then {again}"
                ) from error
        try:
            unpack(archive, source, folder)
        except FetchError as error:
            if by_hand:
                raise FetchError(f"{error}: delete it and {again} to download it") from error
            raise FetchError(
                f"{error}: the download was deleted. If it fails the same way when you {again}, "
                "the published files have changed: please report it"
            ) from error
    except OSError as error:
        raise FetchError(
            f"cannot write {folder} ({error}): set {data_dir.ENVIRONMENT_VARIABLE} to a folder "
            f"you can write, then {again}"
        ) from error
    finally:
        if not by_hand:
            archive.unlink(missing_ok=True)
    how = archive if by_hand else source.url
    return f"unpacked from {how} into {folder}, {len(source.files)} files verified"


def write_manifest(path: Path, folder: Path, sources: Sequence[Source]) -> None:
    """Record the checksums of the data sets now in ``folder``, keeping their URLs (maintainers).

    Only for a copy checked by hand: every later download is verified against it.
    """
    datasets = {}
    for source in sources:
        root = folder / source.name
        files = sorted(p for p in root.rglob("*") if p.is_file())
        datasets[source.name] = {
            "url": source.url,
            "archive_root": source.archive_root,
            "files": {p.relative_to(root).as_posix(): sha256_of(p) for p in files},
        }
    document = {
        "about": "SHA-256 of every file of each evaluation data set, as the benchmarks read it "
        "(written by `python -m benchmarks.fetch_data --write-manifest`)",
        "datasets": datasets,
    }
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="data sets to fetch (default: all)")
    parser.add_argument("--data-dir", type=Path, default=data_dir.DATA_DIR)
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per connection")
    parser.add_argument("--write-manifest", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        sources = load_manifest(args.manifest)
    except FetchError as error:
        print(f"bench-data: {error}", file=sys.stderr)
        return FAILED_EXIT
    unknown = sorted(set(args.names) - {s.name for s in sources})
    if unknown:
        parser.error(f"unknown data set {unknown[0]!r}; choose from {[s.name for s in sources]}")
    chosen = [s for s in sources if not args.names or s.name in args.names]
    if args.write_manifest:
        write_manifest(args.manifest, args.data_dir, chosen)
        print(f"wrote {args.manifest}")
        return 0
    failed = 0
    for source in chosen:
        try:
            done = fetch(source, args.data_dir / source.name, timeout=args.timeout)
            print(f"{source.name}: {done}")
        except FetchError as error:
            optional = source.url is None and not (args.data_dir / source.name).exists()
            print(f"{source.name}: {error}", file=sys.stdout if optional else sys.stderr)
            failed += not optional
    return FAILED_EXIT if failed else 0


if __name__ == "__main__":
    sys.exit(main())
