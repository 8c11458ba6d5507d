"""`zanwatch serve`: the web view, JSON API and Atom feeds on one port."""

from __future__ import annotations

import socket

import typer

from tracker.cli.app import app, console, database, settings
from tracker.errors import InputError


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on.", min=1, max=65535),
) -> None:
    """Serve the web view (/), the JSON API (/api/v1) and Atom feeds (/feeds) until interrupted."""
    import uvicorn

    from tracker.web.app import create_app

    web = create_app(settings(), database())
    sock = _listen(host, port)
    console.print(
        f"Zan Watch on http://{host}:{port}/ (API: /api/v1/openapi.json, feeds: /feeds/changes.atom)"
    )
    uvicorn.Server(uvicorn.Config(web, log_level="warning")).run(sockets=[sock])


def _listen(host: str, port: int) -> socket.socket:
    """Bound here, not by uvicorn, so an unknown host or a port in use is one line before anything starts."""
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        return socket.create_server((host, port), family=family)
    except OSError as exc:
        raise InputError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}): choose another --host or --port"
        ) from None
