"""Rendered HTML shared by every visitor of a public page, kept in the cache.

A fragment's key holds the active language, what the page varies on (the search terms, the
page number, …) and the current *version* of every data set it shows: a change to that data
(saved or deleted rows, through the services or the admin) calls `bump()`, which gives the
set a new version, so the next request renders afresh. Fragments also expire after
`seconds` (a safety net for writes that bypass the services, such as a database restored by
hand). Nothing per visitor is ever cached: CSRF tokens and per-request values are written
into a rendered fragment as `PLACEHOLDER`-style markers and replaced on every request
(`fill`).

Without a cache (Redis down) fragments are rendered every time, as before; a version
changed while Redis was unreachable cannot be recorded, so fragments cached before the
outage may be shown until they expire (`seconds`).
"""

import hashlib
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from .cache import CACHE_ERRORS, cache_available, cache_failed

# The data sets public pages cache fragments of (each app bumps those its rows feed).
HOME = "home"  # the home page's articles and year plan
PUBLIC_CHOICES = "public-choices"  # townships and service categories offered in forms
CREDIT_LOOKUP = "credit-lookup"  # enterprises, their services and final ratings
# Everything a card's verification page shows besides the card's own validity (checked on
# every request): workers, their documents, employers, grades and the key-management list.
VERIFICATION = "verification"

T = TypeVar("T")

FRAGMENT_PREFIX = "fragment"
VERSION_PREFIX = "fragment-version"
# Markers written into a fragment in place of per-request values; they are plain ASCII
# letters, so escaping leaves them as they are, and no data contains them.
CSRF_MARKER = "ZQJZCSRFTOKENMARKER"


def _version_key(name: str) -> str:
    return f"{VERSION_PREFIX}:{name}"


def _new_version() -> str:
    return secrets.token_hex(6)


def bump(*names: str) -> None:
    """Data shown by fragments of `names` changed: give each a new version now, and again
    when the transaction commits (a page rendered in between may have read the old rows).

    Inside a transaction, a name is renewed again now only if a fragment of it was stored
    since its last renewal (by this transaction, the only one that sees its changes), and
    once at the commit: an import saving thousands of rows writes two versions, not
    thousands."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _give_new_versions(names)  # autocommit: the change is already visible
        return
    pending = _pending_bumps(connection)
    pending.names.update(names)
    stale = [name for name in names if name not in pending.fresh]
    if stale:
        pending.fresh.update(stale)
        _give_new_versions(stale)


class _PendingBumps:
    """The names bumped in the current transaction, renewed again when it commits, and
    those renewed with no fragment stored since (`fresh`)."""

    def __init__(self):
        self.names: set[str] = set()
        self.fresh: set[str] = set()

    def __call__(self) -> None:
        _give_new_versions(self.names)


def _pending_bumps(connection) -> _PendingBumps:
    """The current transaction's pending bumps, registered with on_commit once. A rollback
    (of the transaction, or of the savepoint where they were registered) discards the
    callback, and with it the record: the next bump starts a new one."""
    pending = getattr(connection, "_page_cache_bumps", None)
    if pending is None or not any(func is pending for _, func, _ in connection.run_on_commit):
        pending = _PendingBumps()
        connection._page_cache_bumps = pending
        transaction.on_commit(pending)
    return pending


def _stored_at(names: list[str]) -> None:
    """A fragment of `names` was stored: their next bump in this transaction renews them."""
    pending = getattr(transaction.get_connection(), "_page_cache_bumps", None)
    if pending is not None:
        pending.fresh.difference_update(names)


def _give_new_versions(names: Iterable[str]) -> None:
    if not names or not cache_available():
        return
    try:
        cache.set_many({_version_key(name): _new_version() for name in names}, None)
    except CACHE_ERRORS as exc:
        cache_failed(exc)


def bump_on_change(names: Iterable[str], *models: type[Model]) -> None:
    """Bump `names` whenever a row of one of `models` is saved or deleted (services, admin,
    imports through the ORM); bulk writes that send no signal call `bump` themselves."""
    names = tuple(names)

    def changed(sender, **kwargs) -> None:
        bump(*names)

    for model in models:
        uid = f"page_cache:{model._meta.label}:{'.'.join(names)}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":save")
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid + ":delete")


def _key(name: str, vary: Iterable[object]) -> str:
    vary_digest = hashlib.sha256(
        "\x1f".join(str(part) for part in vary).encode("utf-8", "surrogatepass")
    ).hexdigest()[:32]
    language = translation.get_language() or ""
    return f"{FRAGMENT_PREFIX}:{name}:{language}:{vary_digest}"


def _current_versions(found: dict, version_keys: list[str]) -> tuple[str, ...]:
    """The versions among `found` (a get_many's answer); a missing one is created."""
    current = []
    for version_key in version_keys:
        value = found.get(version_key)
        if value is None:
            cache.add(version_key, _new_version(), None)
            value = cache.get(version_key) or _new_version()
        current.append(value)
    return tuple(current)


@dataclass(frozen=True)
class Wanted:
    """Values to be shared (`shared_all`): one under each key, `compute(indexes)` giving
    those missing, in order."""

    keys: list[str]
    depends_on: tuple[str, ...]
    seconds: int
    compute: Callable[[list[int]], list]


def one(
    name: str,
    *,
    depends_on: Iterable[str],
    vary: Iterable[object] = (),
    seconds: int,
    compute: Callable[[], T],
) -> Wanted:
    """What `compute()` returns (picklable; None is never stored), shared by every request in
    the same language with the same `vary` values while the data sets `depends_on` keep
    their versions."""
    return Wanted([_key(name, vary)], tuple(depends_on), seconds, lambda indexes: [compute()])


def many(
    name: str,
    *,
    depends_on: Iterable[str],
    varies: Sequence[object],
    seconds: int,
    compute: Callable[[list[int]], list[T]],
) -> Wanted:
    """`one` for a list of values (the rows of a page, one per `varies` item);
    `compute(indexes)` returns the missing ones in order."""
    return Wanted([_key(name, [vary]) for vary in varies], tuple(depends_on), seconds, compute)


def shared_all(*wanted: Wanted) -> list[list]:
    """The values of each of `wanted`, read in one cache round trip and those computed
    stored in one more."""
    found, versions = _read(wanted)
    answers: list[list] = []
    to_store: dict[int, dict[str, tuple]] = {}
    stored_for: list[str] = []
    for w in wanted:
        current = None
        if versions is not None:
            current = tuple(versions[_version_key(data_set)] for data_set in w.depends_on)
        values = [_stored_value(found.get(key), current) for key in w.keys]
        missing = [index for index, value in enumerate(values) if value is None]
        if missing:
            for index, value in zip(missing, w.compute(missing), strict=True):
                values[index] = value
            if current is not None:
                batch = to_store.setdefault(w.seconds, {})
                batch.update(
                    {w.keys[i]: (current, values[i]) for i in missing if values[i] is not None}
                )
                stored_for += w.depends_on
        answers.append(values)
    _store(to_store, stored_for)
    return answers


def _read(wanted: Sequence[Wanted]) -> tuple[dict, dict[str, str] | None]:
    """What the cache holds under the keys of `wanted`, and the current version of each data
    set they depend on (None without a cache)."""
    version_keys = list(dict.fromkeys(_version_key(d) for w in wanted for d in w.depends_on))
    keys = [key for w in wanted for key in w.keys]
    if not keys or not cache_available():
        return {}, None
    try:
        found = cache.get_many([*version_keys, *keys])
        versions = dict(zip(version_keys, _current_versions(found, version_keys), strict=True))
    except CACHE_ERRORS as exc:
        cache_failed(exc)
        return {}, None
    return found, versions


def _stored_value(stored, current: tuple[str, ...] | None):
    """A stored value if it was computed at the `current` versions, else None."""
    if stored is None or current is None or tuple(stored[0]) != current:
        return None
    return stored[1]


def _store(batches: dict[int, dict[str, tuple]], names: list[str]) -> None:
    if not batches or not cache_available():
        return
    try:
        for seconds, batch in batches.items():
            cache.set_many(batch, seconds)
    except CACHE_ERRORS as exc:
        cache_failed(exc)
    _stored_at(names)


def shared(
    name: str,
    *,
    depends_on: Iterable[str],
    vary: Iterable[object] = (),
    seconds: int,
    compute: Callable[[], T],
) -> T:
    """One value shared as `one` describes."""
    wanted = one(name, depends_on=depends_on, vary=vary, seconds=seconds, compute=compute)
    return shared_all(wanted)[0][0]


def shared_many(
    name: str,
    *,
    depends_on: Iterable[str],
    varies: Sequence[object],
    seconds: int,
    compute: Callable[[list[int]], list[T]],
) -> list[T]:
    """A list of values shared as `many` describes, in one round trip."""
    wanted = many(name, depends_on=depends_on, varies=varies, seconds=seconds, compute=compute)
    return shared_all(wanted)[0]


def fragment(
    name: str,
    *,
    depends_on: Iterable[str],
    vary: Iterable[object] = (),
    seconds: int,
    render: Callable[[], str],
) -> SafeString:
    """The HTML `render()` returns, shared like `shared` values."""
    html = shared(
        name, depends_on=depends_on, vary=vary, seconds=seconds, compute=lambda: str(render())
    )
    return mark_safe(html)  # noqa: S308 - rendered by a template, escaped there


def fill(html: str, values: dict[str, str]) -> SafeString:
    """A cached fragment with its markers replaced by this request's values, each escaped
    unless it is already safe HTML (rendered by a template)."""
    for marker, value in values.items():
        html = html.replace(marker, conditional_escape(value))
    return mark_safe(html)  # noqa: S308 - the fragment and every value are escaped HTML
