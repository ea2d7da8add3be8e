"""Bearer API keys (401/403/ok, off when none is configured) and the per-key rate limit."""

from __future__ import annotations

from pydantic import Field, SecretStr

from service.api.auth import ANONYMOUS, Authenticator, RateLimiter, key_digest
from service.api.config import ApiConfig
from service.settings import Settings
from tests.api.conftest import ClientMaker, article_payload, assert_problem

KEY = "k-live-123"
OTHER_KEY = "k-live-456"


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_missing_key_is_401_with_www_authenticate(make_client: ClientMaker) -> None:
    client = make_client(api_key_digests=(key_digest(KEY),))
    answer = client.post("/v1/records", json=article_payload())
    assert_problem(answer, 401, type_suffix="/unauthenticated")
    assert answer.headers["www-authenticate"].startswith("Bearer")


def test_non_bearer_scheme_is_401(make_client: ClientMaker) -> None:
    client = make_client(api_key_digests=(key_digest(KEY),))
    answer = client.get("/v1/jobs/x", headers={"Authorization": f"Basic {KEY}"})
    assert_problem(answer, 401)


def test_unknown_key_is_403(make_client: ClientMaker) -> None:
    client = make_client(api_key_digests=(key_digest(KEY),))
    answer = client.post("/v1/records", json=article_payload(), headers=_auth("wrong"))
    assert_problem(answer, 403, type_suffix="/forbidden")


def test_known_key_is_let_in(make_client: ClientMaker) -> None:
    client = make_client(api_key_digests=(key_digest(OTHER_KEY), key_digest(KEY)))
    answer = client.post("/v1/records", json=article_payload(), headers=_auth(KEY))
    assert answer.status_code == 200, answer.text


def test_ops_routes_need_no_key(make_client: ClientMaker) -> None:
    client = make_client(api_key_digests=(key_digest(KEY),))
    for path in ("/healthz", "/readyz", "/metrics", "/openapi.json"):
        assert client.get(path).status_code == 200, path


def test_jobs_are_private_to_their_key(make_client: ClientMaker) -> None:
    client = make_client(api_key_digests=(key_digest(KEY), key_digest(OTHER_KEY)))
    job = client.post("/v1/records?mode=async", json=article_payload(), headers=_auth(KEY)).json()
    assert client.get(f"/v1/jobs/{job['id']}", headers=_auth(KEY)).status_code == 200
    assert_problem(client.get(f"/v1/jobs/{job['id']}", headers=_auth(OTHER_KEY)), 404)


def test_no_keys_configured_means_auth_is_off(make_client: ClientMaker) -> None:
    client = make_client()
    assert client.post("/v1/records", json=article_payload()).status_code == 200
    assert "securitySchemes" not in client.get("/openapi.json").json()["components"]


def test_keys_come_from_settings_hashed() -> None:
    class KeyedSettings(Settings):
        api_keys: list[SecretStr] = Field(default_factory=lambda: [SecretStr(KEY)])
        rate_limit_per_minute: int = 7

    config = ApiConfig.from_settings(KeyedSettings(_env_file=None))
    assert config.api_key_digests == (key_digest(KEY),)
    assert config.rate_limit_per_minute == 7
    assert KEY not in repr(config)
    plain = ApiConfig.from_settings(Settings(_env_file=None))
    assert plain.api_key_digests == ()
    assert Authenticator(plain.api_key_digests).identify(None) == ANONYMOUS


def test_rate_limit_is_429_with_retry_after(make_client: ClientMaker) -> None:
    client = make_client(
        api_key_digests=(key_digest(KEY), key_digest(OTHER_KEY)), rate_limit_per_minute=2
    )
    for _ in range(2):
        assert client.get("/v1/jobs/none", headers=_auth(KEY)).status_code == 404
    answer = client.get("/v1/jobs/none", headers=_auth(KEY))
    assert_problem(answer, 429, type_suffix="/rate-limited")
    assert int(answer.headers["retry-after"]) >= 1
    # buckets are per key: another key is unaffected
    assert client.get("/v1/jobs/none", headers=_auth(OTHER_KEY)).status_code == 404


def test_token_bucket_refills_at_the_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(60, clock=lambda: now[0])  # one a second, burst 60
    assert all(limiter.acquire("k") == 0.0 for _ in range(60))
    wait = limiter.acquire("k")
    assert 0.99 <= wait <= 1.0
    now[0] += 1.0
    assert limiter.acquire("k") == 0.0
    assert RateLimiter(0).acquire("k") == 0.0  # 0 = off
