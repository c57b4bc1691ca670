# make test   create .venv if missing, install the pinned environment, run every test
# make bench  the same install, then the benchmarks (prints numbers; not a test)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: install test bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever the package definition or the pins change.
$(STAMP): $(PY) pyproject.toml constraints.txt
	$(PY) -m pip install --quiet -c constraints.txt -e ".[test,bench]"
	touch $(STAMP)

install: $(STAMP)

test: install
	$(PY) -m pytest

bench: install
	$(PY) benchmarks/bench_bptt.py

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis
