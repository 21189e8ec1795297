"""The product's ASGI server: uvicorn (uvloop, httptools, sans-I/O websockets) serving coach.config.asgi.

    python -m coach.config.serve [--host 127.0.0.1] [--port 8000] [--no-access-log]

The one definition of the server's options, used by `.ci/start`, the browser and distributed
tests and the live-load benchmark. Uvicorn replaced Daphne after `bench/bench_live.py` (README,
"Live load"): the same 200 learners cost the server's core less and waited less for their beats.
"""

import argparse
import os

import uvicorn

# The practice socket refuses messages over 64 KB itself (an error message, then close code 4413);
# a message this big is not even read: the server closes the socket with 1009 (too big).
MAX_MESSAGE_BYTES = 1024 * 1024


def config(app, host: str = "127.0.0.1", port: int = 8000, **options) -> uvicorn.Config:
    """Uvicorn's configuration for the ASGI application ``app``; ``options`` override the
    defaults below."""
    defaults = dict(
        loop="uvloop",
        http="httptools",
        ws="websockets-sansio",
        ws_max_size=MAX_MESSAGE_BYTES,
        # Landmark batches are small and compressing every message costs the server's CPU.
        ws_per_message_deflate=False,
        lifespan="off",  # Channels' router speaks HTTP and WebSocket only
        log_level=os.environ.get(
            "LOG_LEVEL", "info"
        ).lower(),  # as Django's (coach/config/settings.py)
    )
    return uvicorn.Config(app, host=host, port=port, **{**defaults, **options})


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--no-access-log", action="store_true", help="do not log each HTTP request")
    args = parser.parse_args(argv)
    # Imported here, not by uvicorn inside its event loop: start-up work (the embedded worker,
    # requeueing unfinished jobs) uses the database, which Django forbids in an async context.
    from coach.config.asgi import application

    uvicorn.Server(
        config(application, host=args.host, port=args.port, access_log=not args.no_access_log)
    ).run()


if __name__ == "__main__":
    main()
