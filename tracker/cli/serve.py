"""`zanwatch serve`: the web view, JSON API and Atom feeds on one port."""

from __future__ import annotations

import typer

from tracker.cli.app import app, console, database, settings


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8000, "--port", help="Port to listen on.", min=1, max=65535),
) -> None:
    """Serve the web view (/), the JSON API (/api/v1) and Atom feeds (/feeds) until interrupted."""
    import uvicorn

    from tracker.web.app import create_app

    web = create_app(settings(), database())
    console.print(
        f"Zan Watch on http://{host}:{port}/ (API: /api/v1/openapi.json, feeds: /feeds/changes.atom)"
    )
    uvicorn.run(web, host=host, port=port, log_level="warning")
