"""Shared helpers for the app tests: start the real app, find or install a browser and axe-core."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync", "--disable-quic"]
AXE_DIR = ROOT / ".cache" / "axe"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(port: int, feedback_db: Path, timeout: float = 240, output: Any = None,
              env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start `app.py` on loopback; its output goes to `output` (a file object, or subprocess.PIPE left
    unread on purpose), by default to app.log beside the feedback database."""
    env = {**os.environ, "ASKERQA_PORT": str(port), "ASKERQA_HOST": "127.0.0.1", "ASKERQA_FEEDBACK_DB": str(feedback_db),
           **(env or {})}
    if output is None:
        output = open(feedback_db.parent / "app.log", "ab")  # noqa: SIM115 - lives as long as the app
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], env=env, cwd=ROOT,
                            stdout=output, stderr=subprocess.STDOUT if output is not subprocess.PIPE else subprocess.PIPE)
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"app exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(1)
    proc.kill()
    raise RuntimeError("app did not start in time")


def ensure_chromium() -> str | None:
    """Path to Chromium, installing Debian's package when missing; None (with the reason printed) if impossible."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if shutil.which("apt-get") and os.geteuid() == 0:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium", "chromium-driver"], env=env, capture_output=True)
    return CHROMIUM if Path(CHROMIUM).exists() else None


def ensure_axe() -> Path | None:
    """axe-core from the npm registry, installed once into .cache/axe."""
    script = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists() and shutil.which("npm"):
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", str(AXE_DIR), "axe-core@4"],
                       capture_output=True)
    return script if script.exists() else None


def axe_violations(page: Any, script: Path) -> list[dict]:
    """axe-core's violations on the page as it stands, one short record each (rule, impact, an example node)."""
    page.add_script_tag(path=str(script))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": len(v["nodes"]),
         "example": v["nodes"][0]["html"][:160] if v["nodes"] else ""}
        for v in result["violations"]
    ]
