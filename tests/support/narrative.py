"""The narrative replayed on a FIXED consensus, so its request never depends on merge code.

`tests/fixtures/consensus-kim-beijing-2025.json` is a consensus of the sample cluster,
stored once (the facts the narrator is shown). Its narrative cassette,
`tests/integration/cassettes/narrate/kim-beijing-2025-<narratehash12>.yaml`, holds one real
model answer to exactly that request. A merge change alters neither, so `make test` needs
no model after it; a change of the narrate prompt or schema gives a new file name, and
`make record` re-records it (`python -m tests.support.narrative`, the embedded model).
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from evals.replay import cassette
from prompts import Prompt
from prompts import load as load_prompt
from schemas.consensus import Consensus
from service.llm import open_llm
from service.narrate import NarrationResult, narrate, narrate_hash
from service.settings import get_settings

TESTS: Final = Path(__file__).resolve().parents[1]
FIXTURE: Final = TESTS / "fixtures" / "consensus-kim-beijing-2025.json"
CASSETTES: Final = TESTS / "integration" / "cassettes" / "narrate"


def fixed_consensus() -> Consensus:
    """The stored consensus the narrative cassette was recorded on."""
    return Consensus.model_validate_json(FIXTURE.read_text(encoding="utf-8"))


def narrate_prompt() -> Prompt:
    """The newest narrate prompt."""
    return load_prompt("narrate")


def cassette_file(prompt: Prompt) -> Path:
    """The fixed consensus's narrative cassette under `prompt` (its hash in the name)."""
    return CASSETTES / f"kim-beijing-2025-{narrate_hash(prompt)[:12]}.yaml"


def record() -> NarrationResult:
    """Ask the configured model (default: the embedded one) and write the cassette anew."""
    prompt = narrate_prompt()
    with open_llm(get_settings()) as llm, cassette(cassette_file(prompt), record=True):
        return narrate(fixed_consensus(), llm, prompt)


if __name__ == "__main__":
    told = record()
    print(f"recorded {cassette_file(narrate_prompt())}: {told.mode} ({told.detail or 'ok'})")
