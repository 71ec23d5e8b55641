"""What backing up and restoring share: database connections, row counts, checksums."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

MANIFEST = "manifest.json"
POSTGRES_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_ARCHIVE = "media.tar.gz"
FORMAT_VERSION = 1
CHUNK = 1024 * 1024
# pg_dump and pg_restore of a province's database take long; a hung one must still end.
CLIENT_TIMEOUT = 6 * 3600


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why, for the operator."""


def engine_of(database: Mapping[str, Any]) -> str:
    engine = database["ENGINE"]
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"不支持的数据库类型：{engine}")


def postgres_conninfo(database: Mapping[str, Any], dbname: str | None = None) -> dict[str, Any]:
    """Keyword arguments for psycopg.connect (the password never reaches an argv)."""
    info = {
        "dbname": dbname or database["NAME"],
        "user": database.get("USER") or None,
        "password": database.get("PASSWORD") or None,
        "host": database.get("HOST") or None,
        "port": database.get("PORT") or None,
    }
    return {key: value for key, value in info.items() if value is not None}


def postgres_env(database: Mapping[str, Any]) -> dict[str, str]:
    """The environment for pg_dump / pg_restore: connection through PG* variables only."""
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        value = database.get(key)
        if value:
            env[variable] = str(value)
        else:
            env.pop(variable, None)
    env["PGDATABASE"] = str(database["NAME"])
    return env


def postgres_row_counts(connection: psycopg.Connection) -> dict[str, int]:
    """Rows of every table of the public schema, as the connection's snapshot sees them."""
    tables = connection.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
    ).fetchall()
    counts = {}
    for (table,) in tables:
        query = sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier("public", table))
        counts[table] = connection.execute(query).fetchone()[0]
    return counts


def sqlite_row_counts(connection: sqlite3.Connection) -> dict[str, int]:
    tables = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    ).fetchall()
    return {
        table: connection.execute(
            f'SELECT count(*) FROM "{table}"'  # noqa: S608 - names from sqlite_master
        ).fetchone()[0]
        for (table,) in tables
    }


def client_program(name: str) -> str:
    """The full path of a PostgreSQL client program, or a clear error when it is missing."""
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"找不到 {name}：请安装与数据库服务器同版本的 PostgreSQL 客户端")
    return path


def run_postgres_client(command: list[str], database: Mapping[str, Any]) -> None:
    """Run pg_dump or pg_restore (`command[0]`, from `client_program`) against `database`,
    the password given in the environment, never in argv; a failure raises BackupError with
    the program's own message."""
    result = subprocess.run(  # noqa: S603 - fixed program, no shell, no password in argv
        command,
        env=postgres_env(database),
        capture_output=True,
        text=True,
        timeout=CLIENT_TIMEOUT,
        check=False,
    )
    if result.returncode != 0:
        name = Path(command[0]).name
        raise BackupError(f"{name} 失败：{result.stderr.strip()}")


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(f"{folder} 不是备份目录：缺少 {MANIFEST}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as error:
        raise BackupError(f"备份已损坏：{MANIFEST} 无法读取（{error}）") from error
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"不支持的备份格式：{manifest.get('format')!r}")
    return manifest


def write_manifest(folder: Path, manifest: Mapping[str, Any]) -> None:
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True)
    (folder / MANIFEST).write_text(text + "\n", encoding="utf-8")
