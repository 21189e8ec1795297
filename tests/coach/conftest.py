import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Rate limits count in the cache, which outlives a test's database: start each test at zero."""
    cache.clear()
    yield
    cache.clear()
