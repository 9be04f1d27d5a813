"""The pull flow against a real HTTP server on 127.0.0.1 serving fixture PDFs."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

try:  # tests/ may or may not be a package
    from .conftest import make_report_pdf
except ImportError:
    from conftest import make_report_pdf  # type: ignore[no-redef]

pytestmark = pytest.mark.usefixtures("prefect_harness")

HTML = b"<!doctype html><html><head><title>404 Not Found</title></head><body>" + b"<p>Sorry.</p>" * 200 + b"</body></html>"


class Server:
    """Routes: /ok/<name> 200 · /flaky/<name> 500 then 200 · /slow/<name> answers after
    3 s · /html/<name> an HTML page · /big/<name> 2 MB streamed without Content-Length ·
    /missing/<name> 404. `hits` counts requests per path."""

    def __init__(self, pdf: bytes) -> None:
        self.pdf = pdf
        self.hits: Counter[str] = Counter()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:  # noqa: N802
                server.hits[self.path] += 1
                kind = self.path.split("/")[1]
                if kind == "flaky" and server.hits[self.path] == 1 or kind == "down":
                    return self._send(500, b"oops", "text/plain")
                if kind == "slow":
                    time.sleep(3)
                if kind == "html":
                    return self._send(200, HTML, "text/html")
                if kind == "missing":
                    return self._send(404, b"not found", "text/plain")
                if kind == "big":
                    self.send_response(200)
                    self.send_header("Content-Type", "application/pdf")
                    self.end_headers()
                    self.wfile.write(b"%PDF-1.4\n")
                    try:
                        for _ in range(32):
                            self.wfile.write(b"0" * 65536)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return None
                return self._send(200, server.pdf, "application/pdf")

            def _send(self, code: int, body: bytes, ctype: str) -> None:
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", ctype)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server(tmp_path: Path):
    pdf = make_report_pdf(tmp_path / "served.pdf", tag="served").read_bytes()
    s = Server(pdf)
    yield s
    s.close()


def test_pull_cases(server: Server, tmp_path: Path) -> None:
    from flows.pull import pull

    sha = hashlib.sha256(server.pdf).hexdigest()
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        "url,sha256,period,language\n"
        f"{server.url}/ok/rapport-2021.pdf,{sha},2021-01/2021-04,fr\n"
        f"{server.url}/flaky/flaky.pdf,,2021-05,fr\n"
        f"{server.url}/slow/slow.pdf,,,\n"
        f"{server.url}/ok/wrong-sum.pdf,{'0' * 64},,\n"
        f"{server.url}/html/page.pdf,,,\n"
        f"{server.url}/big/huge.pdf,,,\n"
        f"{server.url}/missing/gone.pdf,,,\n"
        f"{server.url}/ok/..%2F..%2Fescape.pdf,,,\n",
        encoding="utf-8",
    )
    inbox = tmp_path / "inbox"
    t0 = time.monotonic()
    s = pull(manifest=manifest, inbox=inbox, max_bytes=1_000_000, timeout_seconds=0.5, retries=2, backoff_seconds=0.05)
    took = time.monotonic() - t0
    got = {r.url.rsplit("/", 1)[1]: r for r in s.files}
    assert {k: (r.status, r.code) for k, r in got.items()} == {
        "rapport-2021.pdf": ("downloaded", None),
        "flaky.pdf": ("downloaded", None),
        "slow.pdf": ("failed", "timeout"),
        "wrong-sum.pdf": ("failed", "checksum_mismatch"),
        "page.pdf": ("failed", "not_a_pdf"),
        "huge.pdf": ("failed", "too_large"),
        "gone.pdf": ("failed", "http_error"),
        "..%2F..%2Fescape.pdf": ("downloaded", None),
    }
    assert got["flaky.pdf"].attempts == 2 and server.hits["/flaky/flaky.pdf"] == 2  # 500, then OK
    assert got["slow.pdf"].attempts == 3  # 1 + 2 retries, each cut at the timeout
    assert got["gone.pdf"].attempts == 1 and got["page.pdf"].attempts == 1  # never retried
    assert got["rapport-2021.pdf"].sha256 == sha
    assert took < 60
    # only whole, checked PDFs in the inbox, under harmless names; no .part left behind
    files = sorted(p.name for p in inbox.iterdir())
    assert files == ["escape.pdf", "flaky.pdf", "rapport-2021.pdf"]
    assert all((inbox / n).read_bytes() == server.pdf for n in files)

    # a second pull skips what is already there, by name or by sha256
    hits = sum(server.hits.values())
    (inbox / "rapport-2021.pdf").rename(inbox / "renamed.pdf")
    s2 = pull(manifest=manifest, inbox=inbox, max_bytes=1_000_000, timeout_seconds=0.5, retries=0, backoff_seconds=0.05)
    got2 = {r.url.rsplit("/", 1)[1]: r.status for r in s2.files}
    assert got2["rapport-2021.pdf"] == "present" and got2["flaky.pdf"] == "present" and got2["..%2F..%2Fescape.pdf"] == "present"
    assert sum(server.hits.values()) - hits == 5  # only the five failures were asked again


def test_json_manifest_and_bad_manifests(server: Server, tmp_path: Path) -> None:
    from flows.pull import read_manifest, safe_file_name

    m = tmp_path / "m.json"
    m.write_text(json.dumps({"reports": [{"url": f"{server.url}/ok/a.pdf", "period": "2021-01", "language": "fr", "file_name": "../../x y.pdf"}]}))
    (e,) = read_manifest(m)
    assert (e.period, e.language, e.file_name) == ("2021-01", "fr", "../../x y.pdf")
    assert safe_file_name(e.file_name, "f") == "x y.pdf"
    assert safe_file_name("-rf --help", "f") == "rf --help.pdf"
    assert safe_file_name("...", "fallback") == "fallback.pdf"
    bad = tmp_path / "bad.csv"
    bad.write_text("url,sha256\nfile:///etc/passwd,\n")
    with pytest.raises(ValueError, match="entry 1"):
        read_manifest(bad)
    bad.write_text(f"url,sha256\n{server.url}/ok/a.pdf,nothex\n")
    with pytest.raises(ValueError, match="not a sha256"):
        read_manifest(bad)


def test_backfill_from_a_manifest_downloads_only_the_period(server: Server, tmp_path: Path) -> None:
    from flows.backfill import backfill

    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps([
        {"url": f"{server.url}/ok/in-period.pdf", "period": "2021-01/2021-04"},
        {"url": f"{server.url}/ok/too-old.pdf", "period": "2015-01/2015-04"},
    ]))  # fmt: skip
    out = tmp_path / "out"
    s = backfill(source=manifest, output=out, since="2020-01")
    assert s.filtered == 1 and [(f.file_name, f.status) for f in s.files] == [("in-period.pdf", "extracted")]
    assert server.hits["/ok/too-old.pdf"] == 0
    rid = s.files[0].report_id
    assert (out / "processed" / f"{rid}.pdf").read_bytes() == server.pdf
