"""The editor's review page: a consensus with its evidence, as one self-contained HTML file.

`review_page(consensus, articles)` builds it; `page_from_job(request_json, result_json)`
builds it from a finished consensus job's stored request and result.
"""

from __future__ import annotations

from schemas.api import ConsensusRequest
from schemas.consensus import Consensus
from service.review.page import content_security_policy, review_page

__all__ = ["content_security_policy", "page_from_job", "review_page"]


def page_from_job(request_json: str, result_json: str) -> str:
    """The review page of a consensus job: its request holds the articles, its result the
    consensus."""
    request = ConsensusRequest.model_validate_json(request_json)
    return review_page(Consensus.model_validate_json(result_json), request.articles)
