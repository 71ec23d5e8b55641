"""Backup and restore as the county IT office runs them: `manage.py backup` and `restore`."""

import hashlib
import json
import sqlite3
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from psycopg import sql

from core.backups.common import postgres_conninfo, postgres_row_counts
from core.backups.create import create_backup, list_backups
from tests.factories.registry import QualificationFactory, WorkerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def media_checksums(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): sha256(p) for p in root.rglob("*") if p.is_file()}


def counts_of(dbname: str) -> dict[str, int]:
    with psycopg.connect(**postgres_conninfo(settings.DATABASES["default"], dbname)) as conn:
        return postgres_row_counts(conn)


def url_of(dbname: str) -> str:
    db = settings.DATABASES["default"]
    password = f":{quote(db['PASSWORD'], safe='')}" if db.get("PASSWORD") else ""
    port = db.get("PORT") or 5432
    return f"postgres://{quote(db['USER'], safe='')}{password}@{db['HOST']}:{port}/{dbname}"


@pytest.fixture
def target_db():
    """A database name for the restore, dropped afterwards whatever happened."""
    name = f"{settings.DATABASES['default']['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    yield name
    conninfo = postgres_conninfo(settings.DATABASES["default"], "postgres")
    with psycopg.connect(**conninfo, autocommit=True) as admin:
        admin.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def seeded(settings):
    """A few registry rows, one with an uploaded scan, and a protected export file."""
    qualification = QualificationFactory()
    qualification.scan.save("licence.pdf", ContentFile(b"%PDF-1.4 licence scan"), save=True)
    WorkerFactory.create_batch(3)
    exports = Path(settings.MEDIA_ROOT) / "exports" / "2026"
    exports.mkdir(parents=True)
    (exports / "台账.xlsx").write_bytes(b"PK\x03\x04 ledger" * 100)
    return qualification


def only_backup(folder: Path) -> Path:
    backups = list_backups(folder)
    assert len(backups) == 1
    return backups[0]


def test_round_trip_restores_every_row_and_file(seeded, tmp_path, target_db, capsys):
    call_command("backup", "--to", str(tmp_path / "backups"))
    backup = only_backup(tmp_path / "backups")
    assert sorted(p.name for p in backup.iterdir()) == [
        "database.dump",
        "manifest.json",
        "media.tar.gz",
    ]
    manifest = json.loads((backup / "manifest.json").read_text())
    source_counts = counts_of(settings.DATABASES["default"]["NAME"])
    assert manifest["database"]["tables"] == source_counts
    assert manifest["database"]["tables"]["registry_worker"] == 3
    assert manifest["checksums"]["database.dump"] == sha256(backup / "database.dump")
    source_media = media_checksums(Path(settings.MEDIA_ROOT))
    assert {f["path"]: f["sha256"] for f in manifest["media"]} == source_media
    assert manifest["application"]["version"]

    restored_media = tmp_path / "restored-media"
    call_command(
        "restore", str(backup), "--database-url", url_of(target_db), "--media-root", restored_media
    )

    assert counts_of(target_db) == source_counts
    assert media_checksums(restored_media) == source_media
    assert "恢复完成" in capsys.readouterr().out


def test_a_damaged_archive_is_refused(seeded, tmp_path, target_db):
    call_command("backup", "--to", str(tmp_path / "backups"))
    archive = only_backup(tmp_path / "backups") / "media.tar.gz"
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    archive.write_bytes(bytes(data))

    with pytest.raises(CommandError, match="已损坏.*media.tar.gz"):
        call_command(
            "restore",
            str(archive.parent),
            "--database-url",
            url_of(target_db),
            "--media-root",
            tmp_path / "restored-media",
        )
    assert not (tmp_path / "restored-media").exists()
    conninfo = postgres_conninfo(settings.DATABASES["default"], "postgres")
    with psycopg.connect(**conninfo) as admin:
        found = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [target_db])
        assert found.fetchone() is None


def test_a_folder_without_manifest_is_refused(tmp_path):
    with pytest.raises(CommandError, match="不是备份目录"):
        call_command("restore", str(tmp_path), "--media-root", tmp_path / "m")


def test_restore_refuses_a_database_that_is_not_empty(seeded, tmp_path):
    call_command("backup", "--to", str(tmp_path / "backups"))
    backup = only_backup(tmp_path / "backups")
    before = counts_of(settings.DATABASES["default"]["NAME"])

    # Without --database-url the target is the configured database, which holds the data.
    with pytest.raises(CommandError, match="不为空.*--force"):
        call_command("restore", str(backup), "--media-root", tmp_path / "restored-media")
    assert counts_of(settings.DATABASES["default"]["NAME"]) == before


def test_restore_refuses_a_media_folder_that_is_not_empty(seeded, tmp_path, target_db):
    call_command("backup", "--to", str(tmp_path / "backups"))
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "keep.txt").write_text("x")
    with pytest.raises(CommandError, match="媒体目录.*不为空"):
        call_command(
            "restore",
            str(only_backup(tmp_path / "backups")),
            "--database-url",
            url_of(target_db),
            "--media-root",
            occupied,
        )
    assert (occupied / "keep.txt").read_text() == "x"


def sqlite_database(path: Path) -> dict:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE worker (id INTEGER PRIMARY KEY, name TEXT)")
    connection.executemany("INSERT INTO worker (name) VALUES (?)", [("张三",), ("李四",)])
    connection.commit()
    connection.close()
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path)}


def test_sqlite_round_trip_and_retention(tmp_path):
    import datetime as dt

    from core.backups.restore import restore_backup

    database = sqlite_database(tmp_path / "db.sqlite3")
    media = tmp_path / "media"
    (media / "scans").mkdir(parents=True)
    (media / "scans" / "a.jpg").write_bytes(b"\xff\xd8 photo")
    backups = tmp_path / "backups"
    (backups / "notes").mkdir(parents=True)  # not a backup: retention leaves it alone
    for day in (1, 2, 3):
        create_backup(
            backups,
            database=database,
            media_root=media,
            keep=2,
            now=dt.datetime(2026, 12, day, 2, 0, tzinfo=dt.UTC),
        )
    kept = list_backups(backups)
    assert [p.name for p in kept] == ["backup-20261202T020000Z", "backup-20261203T020000Z"]
    assert (backups / "notes").is_dir()

    target = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "new.sqlite3")}
    report = restore_backup(kept[-1], database=target, media_root=tmp_path / "new-media")
    assert report.ok
    assert report.tables == {"worker": (2, 2)}
    assert (tmp_path / "new-media" / "scans" / "a.jpg").read_bytes() == b"\xff\xd8 photo"


def test_keep_must_be_positive(tmp_path):
    with pytest.raises(CommandError, match="--keep"):
        call_command("backup", "--to", str(tmp_path), "--keep", "0")


def test_a_backup_inside_the_media_folder_is_refused(settings):
    with pytest.raises(CommandError, match="媒体目录之内"):
        call_command("backup", "--to", str(Path(settings.MEDIA_ROOT) / "backups"))


def test_the_password_goes_through_the_environment_only(tmp_path, monkeypatch):
    import subprocess

    from core.backups import create

    calls = []

    def fake_run(command, **kwargs):
        calls.append((command, kwargs["env"]))
        Path(next(a for a in command if a.startswith("--file="))[7:]).write_bytes(b"dump")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(create.subprocess, "run", fake_run)
    database = {**settings.DATABASES["default"], "PASSWORD": "s3cret-pw"}
    monkeypatch.setattr(
        create, "postgres_conninfo", lambda db: postgres_conninfo({**db, "PASSWORD": ""})
    )
    create_backup(tmp_path / "b", database=database, media_root=tmp_path / "media")

    command, env = next((c, e) for c, e in calls if "--format=custom" in c)
    assert not any("s3cret-pw" in part for part in command)
    assert env["PGPASSWORD"] == "s3cret-pw"
    manifest = (only_backup(tmp_path / "b") / "manifest.json").read_text()
    assert "s3cret-pw" not in manifest


def test_force_restores_over_a_database_and_media_that_hold_data(seeded, tmp_path, target_db):
    call_command("backup", "--to", str(tmp_path / "backups"))
    backup = str(only_backup(tmp_path / "backups"))
    media = tmp_path / "restored-media"
    args = ["restore", backup, "--database-url", url_of(target_db), "--media-root", media]
    call_command(*args)
    (media / "stray.txt").write_text("left over")

    with pytest.raises(CommandError, match="不为空"):
        call_command(*args)
    call_command(*args, "--force")

    assert counts_of(target_db) == counts_of(settings.DATABASES["default"]["NAME"])
    assert not (media / "stray.txt").exists()


def test_restore_reports_rows_that_differ_from_the_manifest(tmp_path, capsys):
    database = sqlite_database(tmp_path / "db.sqlite3")
    result = create_backup(tmp_path / "b", database=database, media_root=tmp_path / "media")
    manifest_path = result.folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["database"]["tables"]["worker"] = 5
    manifest_path.write_text(json.dumps(manifest))

    with pytest.raises(CommandError, match="不一致"):
        call_command(
            "restore",
            str(result.folder),
            "--database-url",
            f"sqlite:///{tmp_path / 'new.sqlite3'}",
            "--media-root",
            tmp_path / "new-media",
        )
    assert "表 worker：备份 5 行，恢复后 2 行" in capsys.readouterr().err
