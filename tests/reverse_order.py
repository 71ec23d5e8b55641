"""`pytest -p no:randomly -p tests.reverse_order` runs the tests from last to first: a quick
check that no test depends on another having run before it."""

import pytest


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    items.reverse()
