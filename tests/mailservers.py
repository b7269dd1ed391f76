"""Mail servers that fail the way real ones do, on loopback: one that accepts a connection and
never answers (a timeout), and one that answers with a refusal and hangs up (421)."""

import socket
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextmanager
def mail_server_that(greeting: bytes | None, port: int) -> Iterator[list[float]]:
    """Listen on 127.0.0.1:port; to each connection send `greeting` and hang up, or (None) say
    nothing until the client gives up. Yields the list of connections seen (their count)."""
    seen: list[float] = []
    release = threading.Event()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self) -> None:
            seen.append(1.0)
            if greeting is None:
                release.wait(30)
                return
            self.request.sendall(greeting)
            self.request.shutdown(socket.SHUT_RDWR)

    server = _Server(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield seen
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join()
