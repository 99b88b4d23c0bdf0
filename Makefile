# The two commands of the README. Each bootstraps .venv from the system python3 when it is
# missing or older than pyproject.toml (the stamp file), then works.
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
PROFILE ?= default
DATA    ?=
RUN_DIR ?=
Z       ?=
DECODER ?=
IMAGES  ?=
LABELS  ?=
VAE     ?=

.PHONY: run test test-fast test-torch test-browser test-colab lint clean venv

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,jax]"
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/python -m nbhelpers run --profile $(PROFILE) \
		$(if $(DATA),--data "$(DATA)") $(if $(RUN_DIR),--run-dir "$(RUN_DIR)") \
		$(if $(Z),--z "$(Z)") $(if $(DECODER),--decoder "$(DECODER)") \
		$(if $(IMAGES),--images "$(IMAGES)") $(if $(LABELS),--labels "$(LABELS)") \
		$(if $(VAE),--vae)

# The import contracts (pyproject's [tool.importlinter]) first: a broken layer fails at once.
# pytest exits 5 when it collected no test: that is a failure here, as is any other non-zero code.
test: $(STAMP)
	@$(BIN)/lint-imports --no-cache > $(VENV)/lint-imports.log 2>&1 || { cat $(VENV)/lint-imports.log; exit 1; }
	@grep -E "^Contracts:" $(VENV)/lint-imports.log
	@$(BIN)/python -m pytest $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests" >&2; exit 1; fi; exit $$rc

# The model tests on PyTorch too: installs torch from the package index (with its CUDA
# libraries, gigabytes; not part of make test), then runs tests/test_backends.py.
test-torch: $(STAMP)
	$(BIN)/python -m pip install --quiet -e ".[torch]"
	@$(BIN)/python -m pytest tests/test_backends.py $(PYTEST_ARGS)

# The notebooks as a user meets them: JupyterLab in headless Chromium driven by Playwright
# (tests/browser). Debian's chromium package is the browser (Playwright's own download cannot be
# reached); it is installed with apt-get where this runs as root or with password-less sudo.
# Whatever cannot be had stops the target with a message naming it: it never passes without
# having driven the browser.
test-browser: $(STAMP)
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO=sudo; \
	  else echo "make test-browser: Debian's chromium package is not installed and apt-get needs root (run: sudo apt-get install chromium)" >&2; exit 1; fi; \
	  echo "installing Debian's chromium package (apt-get) ..."; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null \
	    || { echo "make test-browser: apt-get could not install Debian's chromium package" >&2; exit 1; }; }
	@command -v chromium >/dev/null 2>&1 || { echo "make test-browser: no chromium on PATH after installing it" >&2; exit 1; }
	@$(BIN)/python -m pip install --quiet -e ".[browser]" \
	  || { echo "make test-browser: could not install the browser extra (jupyterlab, playwright) from the package index" >&2; exit 1; }
	@NBHELPERS_BROWSER_TESTS=1 CHROMIUM="$$(command -v chromium)" $(BIN)/python -m pytest tests/browser -p no:cacheprovider $(PYTEST_ARGS); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "make test-browser: pytest collected no browser test" >&2; exit 1; fi; exit $$rc

# The notebooks' Colab path as a user meets it (tests/colab): a Python 3.13 venv holding Colab's own
# versions (../shared/colab/pip-freeze.txt, its direct references dropped, as constraints) of the
# packages Colab preinstalls that the series touches, plus papermill and pytest to drive it; then
# the notebooks on a stand-in Colab, a lost VM included. About 15 minutes on 2 cores; not in CI.
COLAB_PYTHON ?= $(firstword $(wildcard $(shell pyenv root 2>/dev/null)/versions/3.13*/bin/python3) python3.13)
COLAB_VENV   := .venv-colab
COLAB_PREINSTALLED := tensorflow keras numpy scipy scikit-learn matplotlib seaborn ipywidgets \
	ipykernel ipython jax jaxlib psutil pillow tqdm filelock pyyaml pandas requests numba
test-colab:
	@test -f ../shared/colab/pip-freeze.txt || { echo "make test-colab: ../shared/colab/pip-freeze.txt (Colab's package list) is not here" >&2; exit 1; }
	@test -x $(COLAB_VENV)/bin/python || $(COLAB_PYTHON) -m venv $(COLAB_VENV)
	@grep -v " @ " ../shared/colab/pip-freeze.txt | grep -v "^#" > $(COLAB_VENV)/colab-constraints.txt
	$(COLAB_VENV)/bin/python -m pip install --quiet -c $(COLAB_VENV)/colab-constraints.txt \
		$(COLAB_PREINSTALLED) papermill pytest
	@$(COLAB_VENV)/bin/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@NBHELPERS_COLAB_TESTS=1 $(COLAB_VENV)/bin/python -m pytest tests/colab -p no:cacheprovider $(PYTEST_ARGS)

# The unit tests alone: no notebook executed, no model trained (tests marked slow are skipped).
test-fast: $(STAMP)
	@$(BIN)/python -m pytest -m "not slow" $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check nbhelpers tests benchmarks colab_setup.py

clean:
	rm -rf $(VENV) $(COLAB_VENV) runs .pytest_cache
