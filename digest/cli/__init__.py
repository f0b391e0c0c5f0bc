"""The command line: one module per command group, registered on the group in `app`.

Takes the user's words and the config file; gives files, lines on the terminal and exit statuses.
Each command calls the orchestrator (`digest.edition`), the scheduler (`digest.schedule`) or the
store, and turns a `DigestError` into one line and its exit status. Nothing below imports it.
"""
