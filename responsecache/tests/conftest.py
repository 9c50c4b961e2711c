"""The fault tests' real servers (responsecache/tests/servers.py) as fixtures."""

from .servers import hanging_port, redis_server  # noqa: F401
