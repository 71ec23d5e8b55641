"""Restore a backup into a fresh database and an empty media folder, then check it."""

from __future__ import annotations

import shutil
import sqlite3
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from .common import (
    MEDIA_ARCHIVE,
    BackupError,
    client_program,
    engine_of,
    postgres_conninfo,
    postgres_row_counts,
    read_manifest,
    run_postgres_client,
    sha256_of,
    sqlite_row_counts,
)


@dataclass
class RestoreReport:
    tables: dict[str, tuple[int, int | None]] = field(default_factory=dict)
    files_checked: int = 0
    file_problems: list[str] = field(default_factory=list)

    @property
    def table_problems(self) -> dict[str, tuple[int, int | None]]:
        return {name: pair for name, pair in self.tables.items() if pair[0] != pair[1]}

    @property
    def ok(self) -> bool:
        return not self.table_problems and not self.file_problems


def verify_backup(folder: Path) -> dict[str, Any]:
    """The manifest, once every file it lists has its checksum; refuse a damaged backup."""
    manifest = read_manifest(folder)
    for name, expected in manifest["checksums"].items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"备份不完整：缺少 {name}")
        if sha256_of(path) != expected:
            raise BackupError(f"备份已损坏：{name} 的校验和与清单不符，拒绝恢复")
    return manifest


def restore_backup(
    folder: Path,
    *,
    database: Mapping[str, Any],
    media_root: Path,
    force: bool = False,
) -> RestoreReport:
    manifest = verify_backup(folder)
    recorded = manifest["database"]
    engine = engine_of(database)
    if engine != recorded["engine"]:
        raise BackupError(f"备份来自 {recorded['engine']} 数据库，不能恢复到 {engine} 数据库")
    media_root = Path(media_root)
    _require_empty_folder(media_root, force)
    if engine == "postgresql":
        _restore_postgres(folder / recorded["file"], database, force)
        with psycopg.connect(**postgres_conninfo(database)) as connection:
            counts = postgres_row_counts(connection)
    else:
        _restore_sqlite(folder / recorded["file"], database, force)
        connection = sqlite3.connect(database["NAME"])
        try:
            counts = sqlite_row_counts(connection)
        finally:
            connection.close()
    report = RestoreReport(
        tables={name: (rows, counts.get(name)) for name, rows in recorded["tables"].items()}
    )
    _unpack_media(folder / MEDIA_ARCHIVE, media_root, manifest["media"], report)
    return report


def _require_empty_folder(media_root: Path, force: bool) -> None:
    if media_root.exists() and not media_root.is_dir():
        raise BackupError(f"{media_root} 不是目录")
    if media_root.is_dir() and any(media_root.iterdir()):
        if not force:
            raise BackupError(f"媒体目录 {media_root} 不为空；确认覆盖请加 --force")
        for child in media_root.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()


def _restore_postgres(dump: Path, database, force: bool) -> None:
    name = database["NAME"]
    program = client_program("pg_restore")
    with psycopg.connect(**postgres_conninfo(database, "postgres"), autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    if exists:
        with psycopg.connect(**postgres_conninfo(database)) as connection:
            tables = connection.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
            ).fetchone()[0]
        if tables and not force:
            raise BackupError(f"数据库 {name} 不为空（{tables} 张表）；确认覆盖请加 --force")
    command = [
        program,
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--no-password",
    ]
    if exists:
        command += ["--clean", "--if-exists"]
    command += [f"--dbname={name}", str(dump)]
    run_postgres_client(command, database)


def _restore_sqlite(copy: Path, database, force: bool) -> None:
    target = Path(database["NAME"])
    if target.exists():
        connection = sqlite3.connect(target)
        try:
            tables = sqlite_row_counts(connection)
        finally:
            connection.close()
        if tables and not force:
            raise BackupError(f"数据库 {target} 不为空（{len(tables)} 张表）；确认覆盖请加 --force")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(copy)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()


def _unpack_media(archive: Path, media_root: Path, files: list[dict], report) -> None:
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(archive, "r:gz") as tar:
        # The "data" filter refuses absolute paths, "..", links out of the folder and devices.
        tar.extractall(media_root, filter="data")
    for entry in files:
        path = media_root / entry["path"]
        report.files_checked += 1
        if not path.is_file():
            report.file_problems.append(f"{entry['path']}：缺失")
        elif sha256_of(path) != entry["sha256"]:
            report.file_problems.append(f"{entry['path']}：校验和不符")
