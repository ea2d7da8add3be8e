"""The HTTP API: `create_app()` over one `Pipeline`; run it with `corroborate serve`."""

from service.api.app import create_app

__all__ = ["create_app"]
