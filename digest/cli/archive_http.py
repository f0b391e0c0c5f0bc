"""The request handler of `digest archive serve` (imported only when it serves)."""

from __future__ import annotations

from http.server import SimpleHTTPRequestHandler
from pathlib import Path
from typing import Any

import click

from digest.publish import archive


class ArchiveHandler(SimpleHTTPRequestHandler):
    """Serves the archive's files, never its database, lock or other hidden files."""

    def send_head(self) -> Any:
        parts = self.path.split("?", 1)[0].split("#", 1)[0].split("/")
        if any(p.startswith(".") for p in parts) or parts[-1].startswith(archive.DATABASE_NAME):
            self.send_error(404, "File not found")
            return None
        if parts == ["", "favicon.ico"] and not Path(self.translate_path(self.path)).exists():
            self.send_response(204)  # browsers ask for it unprompted; say "none" without an error
            self.end_headers()
            return None
        return super().send_head()

    def log_message(self, format: str, *args: Any) -> None:
        click.echo(f"{self.address_string()} {format % args}", err=True)
