"""``selectie app``: start the local web page."""

from __future__ import annotations

from typing import Annotated

import typer

from ._app import app
from ._common import EXIT_BAD_INPUT, command, fail


@app.command("app")
@command
def app_cmd(
    port: Annotated[
        int, typer.Option("--port", help="Port to listen on.", min=1, max=65535)
    ] = 8765,
    host: Annotated[
        str,
        typer.Option(
            "--host",
            help="Address to listen on. The default serves only this computer; another "
            "address exposes the page (which has no login) to the network.",
        ),
    ] = "127.0.0.1",
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open the page in a browser.")
    ] = False,
    max_upload: Annotated[
        int,
        typer.Option("--max-upload", metavar="MB", help="Largest upload accepted, in MB.", min=1),
    ] = 20,
) -> None:
    """Start a local web page for the whole job: pool, scenario, run, what else, lottery,
    downloads. Needs the app extra: pip install 'selectie[app]'.

    Examples:

      selectie app

      selectie app --port 9000 --no-browser
    """
    try:
        import shiny  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        fail(
            "error: the page needs Shiny for Python; install it with: pip install 'selectie[app]'",
            EXIT_BAD_INPUT,
        )
    import socket

    from ..app import serve

    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(
            f"warning: listening on {host}: the page has no login; anyone who can reach "
            f"{host}:{port} can use it and see what is uploaded to it.",
            err=True,
        )
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            fail(
                f"error: cannot listen on {host}:{port} ({exc.strerror}); "
                "give another --port, or stop what uses this one.",
                EXIT_BAD_INPUT,
            )

    def ready(url: str) -> None:
        typer.echo(f"selectie page: {url}  (Ctrl+C stops it)", err=True)

    serve(
        host=host,
        port=port,
        open_browser=not no_browser,
        max_upload=max_upload * 1024 * 1024,
        ready=ready,
    )
