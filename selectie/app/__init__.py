"""``selectie app``: a local web page over selectie's public functions (Shiny for Python).

Needs the ``app`` extra: ``pip install 'selectie[app]'``. The page walks a person through
the pool, the scenario, the run, what else to ask, a sortition lottery and the downloads,
calling the same functions as the command line; it holds no selection logic of its own.

>>> from selectie.app import create_app
>>> callable(create_app())
True
"""

from __future__ import annotations

from typing import Any

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "create_app", "serve"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def create_app(*, max_upload: int | None = None) -> Any:
    """The page as an ASGI application, with the upload size limit around it."""
    from ._page import make_app
    from ._safety import DEFAULT_LIMIT, UploadLimit

    limit = DEFAULT_LIMIT if max_upload is None else max_upload
    return UploadLimit(make_app(max_upload=limit), limit)


def serve(
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    open_browser: bool = True,
    max_upload: int | None = None,
    ready: Any = None,
) -> None:
    """Serve the page until interrupted; open it in the browser once it answers.

    ``ready`` (optional) is called with the page's address once the server listens.
    """
    import threading
    import webbrowser

    import uvicorn

    app = create_app(max_upload=max_upload)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    url = f"http://{shown if ':' not in shown else f'[{shown}]'}:{port}/"
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)

    def when_up() -> None:
        import time

        while not server.started and not server.should_exit:
            time.sleep(0.05)
        if server.started:
            if ready is not None:
                ready(url)
            if open_browser:
                webbrowser.open(url)
            _warm()

    threading.Thread(target=when_up, daemon=True).start()
    server.run()


def _warm() -> None:
    """Read the bundled pool and import the solver while the person looks at the first page,
    so that the first Run does not wait for them.
    """
    from ._state import bundled_pool

    bundled_pool()
    from .. import engine  # noqa: F401
