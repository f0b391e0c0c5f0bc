"""Fetching over TLS: certificates verified as httpx does, the CA bundle loaded only when needed.

Each case runs in a fresh interpreter, since the process shares one TLS context and reads
SSL_CERT_FILE at its first handshake.
"""

from __future__ import annotations

import os
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pace
import pytest
from smtp import make_certificate

ROOT = Path(__file__).resolve().parents[1]

FETCH = """
import sys
from digest.errors import SourceError
from digest.sources.http import _tls_context, fetch_bytes, make_client
from digest.sources.settings import FetchSettings

with make_client(FetchSettings()) as client:
    print("CAs before:", _tls_context().cert_store_stats()["x509_ca"])
    try:
        body, _ = fetch_bytes(client, sys.argv[1], 1000)
    except SourceError as exc:
        print("failed:", exc)
    else:
        print("body:", body.decode())
"""


@pytest.fixture
def https_url(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    cert, key = make_certificate(tmp_path)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "4")
            self.end_headers()
            self.wfile.write(b"feed")

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, args=(pace.SHUTDOWN_POLL,), daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{httpd.server_address[1]}/feed", cert
    finally:
        httpd.shutdown()
        httpd.server_close()


def _fetch(url: str, **env: str) -> str:
    clean = {k: v for k, v in os.environ.items() if k not in ("SSL_CERT_FILE", "SSL_CERT_DIR")}
    done = subprocess.run(
        [sys.executable, "-c", FETCH, url],
        env={**clean, "PYTHONPATH": str(ROOT), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout


def test_a_certificate_the_trusted_cas_sign_is_accepted_and_they_load_only_at_the_handshake(
    https_url: tuple[str, Path],
) -> None:
    url, cert = https_url
    out = _fetch(url, SSL_CERT_FILE=str(cert))
    assert "CAs before: 0" in out  # a client made, nothing loaded yet
    assert "body: feed" in out


def test_a_certificate_no_trusted_ca_signs_is_refused(https_url: tuple[str, Path]) -> None:
    url, _ = https_url
    out = _fetch(url)  # certifi's bundle does not hold the test's own certificate
    assert "failed:" in out and "CERTIFICATE_VERIFY_FAILED" in out, out
    assert "body:" not in out
