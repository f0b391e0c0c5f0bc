"""Exception types the CLI turns into one-line messages and exit codes."""

from __future__ import annotations


class DigestError(Exception):
    """A failure the user can act on; its message is shown as one line."""

    exit_code = 1

    def __str__(self) -> str:
        # Messages quote untrusted text (config keys, feed errors): never more than one line.
        return "".join(c if c.isprintable() else repr(c)[1:-1] for c in super().__str__())


class ConfigError(DigestError):
    """The configuration is invalid; nothing has been written."""

    exit_code = 2


class SourceError(DigestError):
    """One source could not be read; the run goes on with the others."""


class ArchiveError(DigestError):
    """The archive could not be written or is locked by another run."""


class ArchiveLocked(ArchiveError):
    """Another digest process holds the archive's lock."""


class TemplateError(DigestError):
    """A user template does not compile or fails to render; nothing has been written."""

    exit_code = 2


class UsageError(DigestError):
    """The command line names what does not exist, or gives a malformed value; nothing done."""

    exit_code = 2
