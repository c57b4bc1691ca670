# make lab    create .venv if missing, install the pinned environment, open JupyterLab on
#             notebooks/ (127.0.0.1 only, token authentication; the URL with its token is printed)
# make test   the same install, then every test
# make bench  the same install, then the three benchmarks (print numbers; not tests)
# make notebooks  re-execute every notebook in place (after changing one, or rnnlib)
# make answers  the same install, then the teacher's answer key, answers/ANSWERS.md
# make clean  remove .venv (and build leftovers); the next make builds it anew
#
# PYTHON chooses the interpreter that builds .venv: make lab PYTHON=python3.12
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Extra JupyterLab options, e.g. make lab LAB_ARGS="--no-browser --port=8890"
LAB_ARGS ?=
# Jupyter refuses to run as root without --allow-root (containers, CI); users never need it.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)
# Seconds one notebook cell may run in `make notebooks` before it fails, naming notebook and
# cell (the slowest cell takes a few seconds on an idle machine, but one of 08 took over 120 s
# on a machine loaded 6-fold). nbval has its own limit, in pyproject.toml.
CELL_TIMEOUT ?= 300
NOTEBOOKS ?= $(wildcard notebooks/*.ipynb)
# Kernels talk to JupyterLab over local sockets (IPC) rather than TCP on 127.0.0.1 where
# ZeroMQ supports it: then ipykernel has no reason to warn about unencrypted TCP.
KERNEL_TRANSPORT := $(if $(filter Linux Darwin,$(shell uname -s 2>/dev/null)),\
	--KernelManager.transport=ipc)

# The interpreter is checked before anything else: Python 3.11 to 3.15 (pyproject.toml's
# requires-python). The pins install from wheels on these (tests/test_environments.py asks PyPI);
# numpy 2.4 needs 3.11, and a Python newer than 3.15 would get no wheel for numpy, so pip would
# try to compile it. Either would otherwise fail much later, in pip, with a message that never
# names the Python version.
# (sys.stdout.write and % formatting: the check must also run on an old Python.)
# A hand-out has no model solutions, so no answer key: say so before any install.
ifneq ($(filter answers,$(MAKECMDGOALS)),)
ifeq ($(wildcard rnnlib/solutions/__init__.py),)
$(error the answer key needs rnnlib/solutions, which a hand-out does not have)
endif
endif

PYTHONS_ACCEPTED := 3.11 to 3.15
PYTHON_ID = import os, sys; sys.stdout.write("%d.%d.%d %s %s" % (sys.version_info[:3] + \
	((3, 11) <= sys.version_info[:2] <= (3, 15), os.path.realpath(getattr(sys, "base_prefix", sys.prefix)))))
ifneq ($(filter-out clean handout,$(or $(MAKECMDGOALS),default)),)
PYTHON_FOUND := $(shell $(PYTHON) -c '$(PYTHON_ID)' 2>/dev/null)
ifeq ($(PYTHON_FOUND),)
$(error $(PYTHON) is not a Python interpreter that runs here. This project needs Python $(PYTHONS_ACCEPTED): choose one with, for example, make lab PYTHON=python3.12)
else ifneq ($(word 2,$(PYTHON_FOUND)),True)
$(error $(PYTHON) is Python $(word 1,$(PYTHON_FOUND)); this project needs Python $(PYTHONS_ACCEPTED): choose another with, for example, make lab PYTHON=python3.12)
endif
# An existing .venv is rebuilt if its Python no longer runs, is not one of those accepted (left
# by an earlier attempt), or differs from a PYTHON given on the command line or in the environment.
ifneq ($(wildcard $(PY)),)
VENV_FOUND := $(shell $(PY) -c '$(PYTHON_ID)' 2>/dev/null)
VENV_STALE := $(strip \
	$(if $(VENV_FOUND),,its Python does not run) \
	$(if $(VENV_FOUND),$(if $(filter True,$(word 2,$(VENV_FOUND))),,it was built with Python $(word 1,$(VENV_FOUND)))) \
	$(if $(filter command environment,$(firstword $(origin PYTHON))), \
		$(if $(filter-out $(PYTHON_FOUND),$(VENV_FOUND))$(filter-out $(VENV_FOUND),$(PYTHON_FOUND)),it was built with a different Python than $(PYTHON))))
endif
endif

.PHONY: install lab test bench notebooks handout answers clean FORCE

$(PY): $(if $(VENV_STALE),FORCE)
	$(if $(VENV_STALE),@echo "make: rebuilding $(VENV): $(VENV_STALE)" && rm -rf $(VENV))
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever the package definition or the pins change.
$(STAMP): $(PY) pyproject.toml constraints.txt
	$(PY) -m pip install --quiet -c constraints.txt -e ".[notebooks,test,bench]"
	touch $(STAMP)

install: $(STAMP)

# Jupyter makes a fresh random token at every start and prints the URL that carries it; the
# token never appears on a command line (where other users could read it in `ps`).
lab: install
	$(PY) -m jupyterlab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=notebooks \
		$(KERNEL_TRANSPORT) $(ROOT_FLAG) $(LAB_ARGS)

test: install
	$(PY) -m pytest

bench: install
	$(PY) benchmarks/bench_bptt.py
	$(PY) benchmarks/bench_widgets.py
	$(PY) benchmarks/bench_training.py

# Stored outputs are what nbval compares: regenerate them top to bottom in a fresh kernel
# (tools/execute_notebooks.py says what it does beyond `jupyter nbconvert --execute`).
notebooks: install
	$(PY) tools/execute_notebooks.py --timeout $(CELL_TIMEOUT) $(NOTEBOOKS)

# A copy for students without the model solutions, built from the files as they are on disk
# (uncommitted edits INCLUDED; works without git, e.g. from a ZIP download): everything but
# rnnlib/solutions/, TEACHING.md, docs/teaching.md, the speaker notes, the checkers' corpus of
# answers (tests/checker_corpus/, tests/test_checker_corpus.py), the answer key (answers/,
# ANSWERS.md), .git, .venv, caches, handout/, slides/ (what .gitignore names).
# It gets its own README.md, written for students. See tools/handout.py.
HANDOUT ?= handout
handout:
	$(PYTHON) tools/handout.py $(HANDOUT)

# The teacher's answer key, one Markdown file in notebook order: model solutions, answers to
# the thinking questions, and each prediction's answer with its reason, computed by executing
# the notebooks that have predictions (about 20 s; tools/answer_key.py says how). answers/ is
# in .gitignore, and `make handout` leaves it out; ANSWERS=path writes elsewhere.
ANSWERS ?= answers/ANSWERS.md
answers: install
	$(PY) tools/answer_key.py --timeout $(CELL_TIMEOUT) $(ANSWERS)

# Slide metadata (slide, sub-slide, fragment, skip, notes) on every cell, by the rules in
# tools/slides.py; long markdown cells are split at blank lines. Idempotent: run it after
# editing a notebook; a cell whose metadata.slideshow has "manual": true keeps its own.
slide-metadata: install
	$(PY) tools/slides.py --split notebooks/*.ipynb

# Static reveal.js decks in $(SLIDES)/ (not committed), one per notebook, that open WITHOUT
# network: reveal.js, require.js, jQuery and MathJax are fetched once by package name with
# `npm pack` into $(SLIDES)/_assets and loaded by relative URLs. The decks are built from
# copies with the slide metadata applied; the notebooks are not touched (tools/slide_decks.py).
# Open $(SLIDES)/01_forward_pass.slides.html; arrows move, S opens the speaker notes.
.PHONY: slide-metadata slides
SLIDES ?= slides
slides: install
	$(PY) tools/slide_decks.py $(SLIDES) notebooks/*.ipynb

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .hypothesis

# The stored experiment behind notebook 09: a character-level ReLU RNN trained on Tiny
# Shakespeare for 4,000 steps (at most 20 minutes; about 9) on one BLAS thread, with its
# n-gram baselines and a throughput measurement; writes experiments/results/char_lm.npz and
# .json (experiments/char_lm.py).
# The throughput alone: OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_char_lm.py
.PHONY: char-lm
char-lm: install
	OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $(PY) experiments/char_lm.py
