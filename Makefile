# make lab    create .venv if missing, install the pinned environment, open JupyterLab on
#             notebooks/ (127.0.0.1 only, token authentication; the URL with its token is printed)
# make test   the same install, then every test
# make bench  the same install, then the three benchmarks (print numbers; not tests)
# make notebooks  re-execute every notebook in place (after changing one, or rnnlib)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# Extra JupyterLab options, e.g. make lab LAB_ARGS="--no-browser --port=8890"
LAB_ARGS ?=
# Jupyter refuses to run as root without --allow-root (containers, CI); users never need it.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: install lab test bench notebooks handout clean

$(PY):
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
		$(ROOT_FLAG) $(LAB_ARGS)

test: install
	$(PY) -m pytest

bench: install
	$(PY) benchmarks/bench_bptt.py
	$(PY) benchmarks/bench_widgets.py
	$(PY) benchmarks/bench_training.py

# Stored outputs are what nbval compares: regenerate them top to bottom in a fresh kernel,
# without per-cell timestamps (RECIPES: record_timing=False; do not drop widget state here).
# The saved widget state (the explorers' first picture, ~100 KB each) is dropped: JupyterLab
# shows nothing from it before the cells run, and it churns on every run.
notebooks: install
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.record_timing=False notebooks/*.ipynb
	$(PY) -c 'import sys, nbformat; [nbformat.write(nb, p) for p in sys.argv[1:] \
		for nb in [nbformat.read(p, 4)] if nb.metadata.pop("widgets", None) is not None]' \
		notebooks/*.ipynb

# A copy for students without the model solutions, built from the files as they are on disk
# (uncommitted edits INCLUDED; works without git, e.g. from a ZIP download): everything but
# rnnlib/solutions/ (or the older rnnlib/solutions.py), TEACHING.md, .git, .venv, caches,
# handout/, slides/ (what .gitignore names).
# It gets its own README.md, written for students. See tools/handout.py.
HANDOUT ?= handout
handout:
	$(PYTHON) tools/handout.py $(HANDOUT)

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
