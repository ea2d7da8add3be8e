"""The API's settings, read once from `Settings`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import SecretStr

from service.api.auth import key_digest
from service.settings import Settings


@dataclass(frozen=True)
class ApiConfig:
    """The API's settings, read from `Settings` (defaults apply to fields it lacks)."""

    api_key_digests: tuple[str, ...] = ()
    rate_limit_per_minute: int = 60
    max_request_bytes: int = 8 * 1024 * 1024
    sync_timeout_s: float = 60.0
    webhook_secret: SecretStr | None = None
    webhook_retries: int = 5
    webhook_backoff_s: float = 1.0
    webhook_timeout_s: float = 10.0

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiConfig:
        """Read the API fields of `settings`, tolerating a Settings without them."""
        keys: Sequence[SecretStr | str] = getattr(settings, "api_keys", None) or ()
        secret = getattr(settings, "webhook_secret", None)
        if isinstance(secret, str):
            secret = SecretStr(secret)
        return cls(
            api_key_digests=tuple(key_digest(k) for k in keys),
            rate_limit_per_minute=int(
                getattr(settings, "rate_limit_per_minute", cls.rate_limit_per_minute)
            ),
            max_request_bytes=int(getattr(settings, "max_request_bytes", cls.max_request_bytes)),
            sync_timeout_s=float(getattr(settings, "sync_timeout_s", cls.sync_timeout_s)),
            webhook_secret=secret if secret and secret.get_secret_value() else None,
            webhook_retries=int(getattr(settings, "webhook_retries", cls.webhook_retries)),
            webhook_backoff_s=float(getattr(settings, "webhook_backoff_s", cls.webhook_backoff_s)),
            webhook_timeout_s=float(getattr(settings, "webhook_timeout_s", cls.webhook_timeout_s)),
        )
