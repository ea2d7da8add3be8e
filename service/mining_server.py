"""Preloaded by the mining pool's fork server (`service.mining.MinePool`); not imported
anywhere else.

Importing it loads (and checks) the parser, so every worker forked from the server starts
with the parser in memory instead of loading its own (about 1 s of CPU each). It also lets
the server end without Python's teardown: freeing the loaded model takes about a second,
during which the server still holds the stdout and stderr it inherited, so a caller
reading them (a pipe, `subprocess.run(..., capture_output=True)`) would wait that long
after the command itself has finished. The server has nothing to flush or clean up: its
workers exit on their own (`os._exit`) and it owns no files.
"""

from __future__ import annotations

import atexit
import os
import sys

from service.nlp.parse import parser


def in_fork_server() -> bool:
    """True in a multiprocessing fork server (started as `python -c`, forkserver loaded)."""
    return sys.argv[:1] == ["-c"] and "multiprocessing.forkserver" in sys.modules


parser()
if in_fork_server():
    atexit.register(os._exit, 0)
