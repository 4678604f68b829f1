#!/usr/bin/env python
"""askerqa web app: a chat for citizens and a figure finder for staff, plus a JSON API (askerqa.web).

    python app.py [--host 127.0.0.1] [--port 7860]      (or ASKERQA_HOST / ASKERQA_PORT; same as `askerqa serve`)
"""

import sys

from askerqa.cli import main as cli_main


def main(argv: list[str] | None = None) -> int:
    return cli_main(["serve", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    sys.exit(main())
