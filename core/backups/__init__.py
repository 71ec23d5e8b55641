"""Backup and restore of the database and the media files (README, Backup and restore).

`create.create_backup` writes one folder with `database.dump` (or `database.sqlite3`),
`media.tar.gz` and `manifest.json`; `restore.restore_backup` checks it and rebuilds a fresh
database and media folder from it. The management commands `backup` and `restore` are thin
wrappers around them.
"""
