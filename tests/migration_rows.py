"""The rows the migrations wrote into the test database, serialized once per test process.

Transactional tests (`serialized_rollback=True`) leave the database empty behind them, and
pytest-django runs them after the ordinary tests; the browser tests, which run last, put these
rows back before they start (tests/e2e/conftest.py).
"""

ROWS: list[str] = []
