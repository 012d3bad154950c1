"""Fixtures shared by the test modules live in tests/fixtures/, one module per area."""

pytest_plugins = [
    "tests.fixtures.records",
    "tests.fixtures.store",
    "tests.fixtures.feeds",
    "tests.fixtures.app",
    "tests.fixtures.api",
]
