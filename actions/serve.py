"""Runs the action server: rasa-sdk's app, reachable only by callers that present ACTION_SERVER_TOKEN.

Rasa sends the token as `Authorization: Bearer ...` (endpoints.yml `action_endpoint.headers`).
With ACTION_SERVER_TOKEN unset (local development) the server accepts any caller on its bind address.

    python -m actions.serve --port 5055      (host from SANIC_HOST, default 127.0.0.1)
"""

import argparse
import hmac
import logging
import os

from rasa_sdk.endpoint import create_app
from sanic import response

logger = logging.getLogger(__name__)


def build_app(token: str):
    app = create_app("actions", cors_origins=None)
    if token:
        expected = f"Bearer {token}".encode()

        @app.middleware("request")
        async def require_token(request):
            if request.path == "/health":
                return None
            supplied = (request.headers.get("authorization") or "").encode()
            if not hmac.compare_digest(supplied, expected):
                return response.json({"error": "unauthorized"}, status=401)
            return None

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTION_PORT", "5055")))
    args = parser.parse_args()
    logging.basicConfig(level=os.environ.get("ACTION_LOG_LEVEL", "INFO"), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    token = os.environ.get("ACTION_SERVER_TOKEN", "")
    if not token:
        logger.warning("ACTION_SERVER_TOKEN is not set: the action server accepts calls from anyone who can reach it.")
    from contracts.crosswalk_file import CrosswalkFileError

    from .services import directory

    try:
        directory()  # a CROSSWALK_FILE that is not a crosswalk stops the server now, with the reason
    except (CrosswalkFileError, OSError, ValueError) as error:
        raise SystemExit(f"the directory's settings (CROSSWALK_FILE, DIRECTORY_*, FOREIGN_DIRECTORY_*): {error}") from None
    host = os.environ.get("SANIC_HOST", "127.0.0.1")
    build_app(token).run(host, args.port, workers=1, access_log=False, motd=False)


if __name__ == "__main__":
    main()
