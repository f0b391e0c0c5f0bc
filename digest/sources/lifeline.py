"""Worker processes that die with the digest process that started them.

A pool's workers block on a queue whose writing end they hold themselves, so they never see
their parent go: a `digest run` killed with SIGKILL or SIGTERM (no clean-up runs) used to leave
its workers, their forkserver and the resource tracker behind for good. Each worker now watches
its parent: a pidfd becomes readable when the process ends (Linux 5.3+), and where there is none
the worker asks once a second. Once the workers are gone, the forkserver and the tracker see
their last client leave and end as well.
"""

from __future__ import annotations

import contextlib
import os
import select
import threading
import time


def die_with(parent: int) -> None:
    """A pool initializer: end this process as soon as process `parent` has ended."""
    threading.Thread(target=_watch, args=(parent,), name="digest-lifeline", daemon=True).start()


def _watch(parent: int) -> None:
    try:
        handle = os.pidfd_open(parent)
    except ProcessLookupError:  # gone already
        os._exit(1)
    except (AttributeError, OSError):  # no pidfd here: ask
        while _alive(parent):
            time.sleep(1)
        os._exit(1)
    with contextlib.suppress(OSError):
        select.select([handle], [], [])
    os._exit(1)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
