# Two commands for a fresh machine with Python 3.11+:  make demo  |  make test
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
DATA ?= data

.PHONY: install demo test lint lock clean

install: $(VENV)/.installed

# constraints.txt pins every transitive version, so a fresh machine gets what CI tested.
$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -c constraints.txt -e '.[test]'
	touch $@

demo: install
	$(BIN)/nianbao demo --data $(DATA)

test: install
	$(BIN)/ruff check .
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .

# Refresh the pins after changing dependencies in pyproject.toml.
lock: install
	$(BIN)/pip install -q -e '.[test,bench]'
	$(BIN)/pip freeze --exclude-editable | grep -v '^nianbao' > constraints.txt

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache
