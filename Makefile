# The two Quick start commands (see README.md): `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
SECRET := instance/secret-key

.PHONY: run test lint translations

$(BIN)/.installed: requirements.txt
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# Test tools from npm (axe-core for the accessibility checks), when npm is here.
node_modules/.installed: package.json package-lock.json
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent; fi
	mkdir -p node_modules && touch $@

# A random secret kept in the instance folder, made once, never committed.
$(SECRET):
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $@
	chmod 600 $@

translations: $(BIN)/.installed
	$(FLASK) translate compile

## Install, prepare the SQLite database and serve on http://127.0.0.1:5000
run: $(BIN)/.installed translations $(SECRET)
	PORTAL_SECRET_KEY=$$(cat $(SECRET)) $(FLASK) init-db
	PORTAL_SECRET_KEY=$$(cat $(SECRET)) $(FLASK) run --host 127.0.0.1 --port 5000

## Install and run the whole test suite (browser tests skip without Chromium)
test: $(BIN)/.installed node_modules/.installed
	$(BIN)/python -m pytest -n auto

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
