"""Run a command on a pseudo-terminal, as a user's shell would."""

from __future__ import annotations

import os
import pty
import select
import subprocess


def read_pty(args: list[str], env: dict) -> str:
    """Run the command on a pseudo-terminal, as a user's shell would, and return its output."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(args, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=30)
    os.close(master)
    return b"".join(chunks).decode("utf-8", "replace")
