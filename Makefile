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

.PHONY: demo test bench install install-test clean

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

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(NEWSQA) ingest samples/
	$(NEWSQA) stats
	$(NEWSQA) ask "What did Russia and Cuba say about the INF Treaty?"
	@echo "Serving the chat on http://127.0.0.1:7860 (Ctrl-C to stop)"
	$(NEWSQA) web

test: install-test
	$(PY) -m pytest -q

bench: install-test
	$(PY) -m bench.ingest
	$(PY) -m bench.retrieval
	$(PY) -m bench.search_latency
	$(PY) -m bench.answering
	$(PY) -m bench.calibration

clean:
	rm -rf $(VENV) .newsqa
