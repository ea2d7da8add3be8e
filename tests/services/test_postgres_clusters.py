"""Online clustering on a real PostgreSQL server: posted in any order, with a restart
half-way, the articles end in the batch's clusters, and the rows read back after a
restart are the rows kept in memory (each save wrote exactly the clusters that changed).

Skips without the server (fails under `CORROBORATE_REQUIRE_SERVICES=1`), like the other
service tests."""

from __future__ import annotations

import pytest

from service.store import Store
from tests.unit.test_cluster_online import assert_batch_clusters


@pytest.mark.parametrize("seed", [1, 2])
def test_any_order_and_a_restart_end_in_the_batch_clusters(postgres_url: str, seed: int) -> None:
    store = Store(postgres_url)
    try:
        assert_batch_clusters(store, seed)
    finally:
        store.close()
