"""The app over the fake engine, run by the real server code (web.server.serve), for tests that need a live
server in its own process without the model: `python tests/fake_server.py PORT`."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fake_engine import FakeEngine  # noqa: E402

from askerqa.web.api import Limits  # noqa: E402
from askerqa.web.server import create_app, serve  # noqa: E402


class Store:
    """A feedback store that keeps nothing."""

    def add(self, *args: object, **kwargs: object) -> None:
        return None


if __name__ == "__main__":
    port = int(sys.argv[1])
    sys.exit(serve("127.0.0.1", port, lambda: create_app(FakeEngine(), Store(), Limits(rate_per_s=0), index_dir=None)))
