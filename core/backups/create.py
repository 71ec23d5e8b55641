"""Make a backup: the database (in one snapshot), then the media files, then the manifest."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from psycopg import IsolationLevel

from .common import (
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_ARCHIVE,
    POSTGRES_DUMP,
    SQLITE_COPY,
    BackupError,
    client_program,
    engine_of,
    postgres_conninfo,
    postgres_row_counts,
    run_postgres_client,
    sha256_of,
    sqlite_row_counts,
    write_manifest,
)

FOLDER_PATTERN = re.compile(r"^backup-\d{8}T\d{6}Z$")


@dataclass(frozen=True)
class BackupResult:
    folder: Path
    manifest: dict[str, Any]
    pruned: list[Path]


def create_backup(
    destination: Path,
    *,
    database: Mapping[str, Any],
    media_root: Path,
    keep: int | None = None,
    base_dir: Path | None = None,
    now: dt.datetime | None = None,
) -> BackupResult:
    """Write `destination/backup-<UTC time>/`; with `keep`, prune all but the newest `keep`.

    The folder is built under a hidden name and renamed when complete, so a backup that
    failed half way is never taken for a good one (nor counted by the retention).
    """
    now = now or dt.datetime.now(dt.UTC)
    if destination.resolve().is_relative_to(Path(media_root).resolve()):
        raise BackupError("备份目录不能位于媒体目录之内")
    destination.mkdir(parents=True, exist_ok=True)
    name = f"backup-{now:%Y%m%dT%H%M%SZ}"
    final = destination / name
    if final.exists():
        raise BackupError(f"{final} 已存在")
    partial = destination / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        manifest = _write_backup(partial, database, Path(media_root), base_dir, now)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    pruned = prune_backups(destination, keep) if keep else []
    return BackupResult(folder=final, manifest=manifest, pruned=pruned)


def _write_backup(folder, database, media_root, base_dir, now) -> dict[str, Any]:
    engine = engine_of(database)
    if engine == "postgresql":
        database_file, counts = _dump_postgres(folder / POSTGRES_DUMP, database)
    else:
        database_file, counts = _copy_sqlite(folder / SQLITE_COPY, database)
    # The media are archived after the database snapshot: every file a dumped row refers to
    # was already stored, so it is in the archive (files added later are in it too, unused).
    media = _archive_media(media_root, folder / MEDIA_ARCHIVE)
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": now.isoformat(),
        "application": _application_version(base_dir),
        "database": {
            "engine": engine,
            "name": Path(database["NAME"]).name if engine == "sqlite" else database["NAME"],
            "file": database_file.name,
            "tables": counts,
        },
        "checksums": {
            database_file.name: sha256_of(database_file),
            MEDIA_ARCHIVE: sha256_of(folder / MEDIA_ARCHIVE),
        },
        "media": media,
    }
    write_manifest(folder, manifest)
    return manifest


def _dump_postgres(target: Path, database) -> tuple[Path, dict[str, int]]:
    """pg_dump in the snapshot our own transaction exports, and count rows in that snapshot."""
    with psycopg.connect(**postgres_conninfo(database)) as connection:
        connection.isolation_level = IsolationLevel.REPEATABLE_READ
        connection.read_only = True
        snapshot = connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        counts = postgres_row_counts(connection)
        command = [
            client_program("pg_dump"),
            "--format=custom",
            f"--snapshot={snapshot}",
            f"--file={target}",
            "--no-password",
        ]
        try:
            run_postgres_client(command, database)
        finally:
            connection.rollback()
    return target, counts


def _copy_sqlite(target: Path, database) -> tuple[Path, dict[str, int]]:
    """The sqlite3 backup API copies a consistent image even while the site writes."""
    source = sqlite3.connect(database["NAME"])
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        counts = sqlite_row_counts(copy)
    finally:
        copy.close()
        source.close()
    return target, counts


class _HashingReader:
    """Hands tarfile the bytes of a file while hashing them, so the checksum in the
    manifest is the checksum of exactly what went into the archive."""

    def __init__(self, handle):
        self.handle = handle
        self.digest = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _archive_media(media_root: Path, archive: Path) -> list[dict[str, Any]]:
    files = []
    with tarfile.open(archive, "w:gz") as tar:
        if not media_root.is_dir():
            return files
        for path in sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink()):
            relative = path.relative_to(media_root).as_posix()
            info = tar.gettarinfo(str(path), arcname=relative)
            with path.open("rb") as handle:
                reader = _HashingReader(handle)
                tar.addfile(info, reader)
            files.append({"path": relative, "size": info.size, "sha256": reader.digest.hexdigest()})
    return files


def _application_version(base_dir: Path | None) -> dict[str, str | None]:
    version = commit = None
    git = shutil.which("git")
    if base_dir is not None:
        try:
            pyproject = tomllib.loads((base_dir / "pyproject.toml").read_text(encoding="utf-8"))
            version = pyproject["project"]["version"]
        except (OSError, KeyError, ValueError):
            version = None
        try:
            result = subprocess.run(  # noqa: S603 - fixed arguments
                [git or "git", "rev-parse", "HEAD"],
                cwd=base_dir,
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            )
            commit = result.stdout.strip() if result.returncode == 0 else None
        except (OSError, subprocess.SubprocessError):
            commit = None
    return {"version": version, "commit": commit or None}


def list_backups(destination: Path) -> list[Path]:
    """Complete backups in `destination`, oldest first (their names sort by time)."""
    if not destination.is_dir():
        return []
    return sorted(
        path
        for path in destination.iterdir()
        if path.is_dir() and FOLDER_PATTERN.match(path.name) and (path / MANIFEST).is_file()
    )


def prune_backups(destination: Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` complete backups; other files are left alone."""
    if keep < 1:
        raise BackupError("保留份数至少为 1")
    backups = list_backups(destination)
    doomed = backups[:-keep]
    for path in doomed:
        shutil.rmtree(path)
    return doomed
