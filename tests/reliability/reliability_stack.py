"""Settings of the fault-injection stack (tests/reliability/conftest.py), shared with its tests."""

BREAKER_FAILURES = 3
BREAKER_COOLDOWN = 2.0
