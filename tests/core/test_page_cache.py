"""Shared rendered fragments (core.page_cache): per language and per varying value, renewed
when their data changes, never per visitor, and rendered as before without a cache."""

import pytest
from django.core.cache import caches
from django.db import transaction
from django.utils import translation
from django.utils.safestring import mark_safe

from core import page_cache

pytestmark = pytest.mark.django_db


class Renders:
    def __init__(self):
        self.count = 0

    def __call__(self) -> str:
        self.count += 1
        return f"<p>{translation.get_language()} {self.count}</p>"


def fragment(render, *, vary=(), depends_on=("test-data",)):
    return page_cache.fragment(
        "test", depends_on=list(depends_on), vary=list(vary), seconds=60, render=render
    )


def test_a_fragment_is_rendered_once_and_shared():
    render = Renders()
    assert fragment(render) == "<p>zh-hans 1</p>"
    assert fragment(render) == "<p>zh-hans 1</p>"
    assert render.count == 1


def test_each_language_and_each_varying_value_has_its_own_fragment():
    render = Renders()
    fragment(render, vary=["a"])
    with translation.override("bo"):
        assert fragment(render, vary=["a"]) == "<p>bo 2</p>"
        assert fragment(render, vary=["a"]) == "<p>bo 2</p>"
    assert fragment(render, vary=["b"]) == "<p>zh-hans 3</p>"
    assert fragment(render, vary=["a"]) == "<p>zh-hans 1</p>"


def test_a_bump_renews_the_fragments_of_that_data_only():
    render, other = Renders(), Renders()
    fragment(render)
    fragment(other, vary=["other"], depends_on=["other-data"])
    page_cache.bump("test-data")
    assert fragment(render) == "<p>zh-hans 2</p>"
    assert fragment(other, vary=["other"], depends_on=["other-data"]) == "<p>zh-hans 1</p>"


def test_a_bump_inside_a_transaction_holds_after_the_commit(
    django_capture_on_commit_callbacks,
):
    render = Renders()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        page_cache.bump("test-data")
        fragment(render)  # rendered before the commit: may hold rows about to change
    assert fragment(render) == "<p>zh-hans 2</p>"


def version_writes(monkeypatch) -> list[set[str]]:
    """The version keys each cache write renews."""
    backend = caches["default"]  # the object behind page_cache's proxy
    writes, set_many = [], backend.set_many

    def counted(data, *args, **kwargs):
        versions = {key for key in data if key.startswith(page_cache.VERSION_PREFIX)}
        if versions:
            writes.append(versions)
        return set_many(data, *args, **kwargs)

    monkeypatch.setattr(backend, "set_many", counted)
    return writes


def test_many_rows_saved_in_one_transaction_renew_a_version_twice(
    monkeypatch, django_capture_on_commit_callbacks
):
    from registry.models import Township

    writes = version_writes(monkeypatch)
    render = Renders()
    fragment(render, depends_on=[page_cache.PUBLIC_CHOICES])
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for n in range(50):
            Township.objects.create(name=f"测试乡{n}", kind=Township.Kind.choices[0][0])
        page_cache.bump("test-data")
        page_cache.bump("test-data", page_cache.PUBLIC_CHOICES)
    renewed = [key for w in writes for key in w]
    for name in (page_cache.PUBLIC_CHOICES, page_cache.CREDIT_LOOKUP, "test-data"):
        assert renewed.count(f"{page_cache.VERSION_PREFIX}:{name}") == 2  # now, and at commit
    assert len(writes[-1]) == 3  # at the commit, in one write
    assert fragment(render, depends_on=[page_cache.PUBLIC_CHOICES]) == "<p>zh-hans 2</p>"


def test_a_fragment_stored_in_the_transaction_is_renewed_by_its_next_bump():
    """The transaction sees its own changes: a fragment it stored after a bump must not
    outlive the next one."""
    render = Renders()
    with transaction.atomic():
        page_cache.bump("test-data")
        assert fragment(render) == "<p>zh-hans 1</p>"
        page_cache.bump("test-data")
        assert fragment(render) == "<p>zh-hans 2</p>"


def test_a_bump_rolled_back_does_not_hide_the_next_one(
    monkeypatch, django_capture_on_commit_callbacks
):
    writes = version_writes(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            page_cache.bump("test-data")
            raise RuntimeError
        page_cache.bump("test-data")  # its first bump's commit callback was discarded
    assert len(writes) == 3  # the one rolled back, then now and at the commit


@pytest.mark.django_db(transaction=True)
def test_a_bump_outside_a_transaction_writes_once(monkeypatch):
    writes = version_writes(monkeypatch)
    page_cache.bump("test-data")  # autocommit: the change is visible already
    assert writes == [{f"{page_cache.VERSION_PREFIX}:test-data"}]


def test_a_saved_row_of_a_registered_model_bumps_its_data(django_capture_on_commit_callbacks):
    from registry.models import Township

    render = Renders()
    fragment(render, depends_on=[page_cache.PUBLIC_CHOICES])
    with django_capture_on_commit_callbacks(execute=True):
        Township.objects.create(name="测试乡", kind=Township.Kind.choices[0][0])
    assert fragment(render, depends_on=[page_cache.PUBLIC_CHOICES]) == "<p>zh-hans 2</p>"


def test_none_is_never_stored():
    calls = []

    def compute():
        calls.append(1)

    for _ in range(2):
        page_cache.shared("none", depends_on=["test-data"], seconds=60, compute=compute)
    assert len(calls) == 2


def test_markers_are_filled_per_request_and_plain_values_escaped():
    assert page_cache.fill("<i>M1</i><b>M2</b>", {"M1": "x", "M2": "y"}) == "<i>x</i><b>y</b>"
    filled = page_cache.fill("<i>M1</i>M2", {"M1": '<a href="x">', "M2": mark_safe("<b>y</b>")})
    assert filled == "<i>&lt;a href=&quot;x&quot;&gt;</i><b>y</b>"


def test_values_of_several_kinds_are_read_in_one_round_trip_and_stored_in_one(monkeypatch):
    backend = caches["default"]
    calls = {"get_many": 0, "set_many": 0}
    for method in calls:
        original = getattr(backend, method)

        def counted(*args, method=method, original=original, **kwargs):
            calls[method] += 1
            return original(*args, **kwargs)

        monkeypatch.setattr(backend, method, counted)
    computed = []

    def rows(indexes):
        computed.append(list(indexes))
        return [f"row {i}" for i in indexes]

    def wanted():
        return (
            page_cache.one("frame", depends_on=["test-data"], seconds=60, compute=lambda: "frame"),
            page_cache.many(
                "row", depends_on=["other"], varies=[1, 2, 3], seconds=60, compute=rows
            ),
        )

    assert page_cache.shared_all(*wanted()) == [["frame"], ["row 0", "row 1", "row 2"]]
    created = dict(calls)
    assert created == {"get_many": 1, "set_many": 1}
    assert page_cache.shared_all(*wanted()) == [["frame"], ["row 0", "row 1", "row 2"]]
    assert computed == [[0, 1, 2]]
    assert calls == {"get_many": 2, "set_many": 1}
    page_cache.bump("other")
    before = dict(calls)
    assert page_cache.shared_all(*wanted())[1] == ["row 0", "row 1", "row 2"]
    assert computed == [[0, 1, 2], [0, 1, 2]]  # only the rows' data changed
    assert calls == {"get_many": before["get_many"] + 1, "set_many": before["set_many"] + 1}


def test_without_a_cache_every_request_renders(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "core.redis_cache.ReusedClientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    render = Renders()
    assert fragment(render) == "<p>zh-hans 1</p>"
    page_cache.bump("test-data")  # logged and skipped, never raised
    assert fragment(render) == "<p>zh-hans 2</p>"
