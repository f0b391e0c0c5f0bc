"""The command line: one module per command group, registered on the group in `app`.

Takes the user's words and the config file; gives files, lines on the terminal and exit statuses.
Each command calls the orchestrator (`digest.edition`), the scheduler (`digest.schedule`) or the
store, and turns a `DigestError` into one line and its exit status. Nothing below imports it.
"""

import sys

# httpx imports its own command-line client when rich and pygments are installed, as they are
# beside digest: a tenth of a second before the first request, for a `main` digest never runs.
# A None entry makes that import fail, and httpx then defines a stub (httpx/__init__.py).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
