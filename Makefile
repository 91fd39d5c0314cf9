# Newcomer services assistant: one entry point. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
RASA := $(VENV)/bin/rasa
INSTALLED := $(VENV)/.installed-$(shell sha256sum requirements.lock 2>/dev/null | cut -c1-16)
MODEL := models/newcomer.tar.gz

# The local contract (README, "Ports"); every value can be overridden from the environment.
export DIRECTORY_HOST ?= 127.0.0.1
export DIRECTORY_PORT ?= 8000
export ACTION_HOST ?= 127.0.0.1
export ACTION_PORT ?= 5055
export RASA_HOST ?= 127.0.0.1
export RASA_PORT ?= 5005
export RASA_MODEL ?= $(MODEL)
export RASA_CORS_ORIGINS ?= http://localhost:$(DIRECTORY_PORT) http://127.0.0.1:$(DIRECTORY_PORT)
export RASA_PUBLIC_URL ?= http://localhost:$(RASA_PORT)
export ACTION_SERVER_URL ?= http://localhost:$(ACTION_PORT)/webhook
export DIRECTORY_API_URL ?= http://localhost:$(DIRECTORY_PORT)/api
# Rasa presents this token to the action server, which then refuses other callers (empty: off, local only).
export ACTION_SERVER_TOKEN ?=
# The action server reports unmet needs to the directory with this shared token (generated once into var/).
export DIRECTORY_ANALYTICS_TOKEN ?= $(shell mkdir -p var && { [ -s var/analytics-token ] || \
  head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' > var/analytics-token; } && cat var/analytics-token)
# Messaging channels (credentials.yml): empty means off. See README, "Messaging channels".
CHANNEL_VARIABLES := TELEGRAM_ACCESS_TOKEN TELEGRAM_SECRET_TOKEN TELEGRAM_WEBHOOK_URL TELEGRAM_API_BASE_URL \
  TWILIO_ACCOUNT_SID TWILIO_AUTH_TOKEN TWILIO_SMS_NUMBER TWILIO_SMS_WEBHOOK_URL TWILIO_WHATSAPP_NUMBER \
  TWILIO_WHATSAPP_WEBHOOK_URL TWILIO_API_BASE_URL WHATSAPP_ACCESS_TOKEN WHATSAPP_PHONE_NUMBER_ID \
  WHATSAPP_APP_SECRET WHATSAPP_VERIFY_TOKEN WHATSAPP_API_BASE_URL MESSENGER_PAGE_ACCESS_TOKEN \
  MESSENGER_APP_SECRET MESSENGER_VERIFY_TOKEN MESSENGER_API_BASE_URL
$(foreach variable,$(CHANNEL_VARIABLES),$(eval export $(variable) ?=))
# TensorFlow: use the machine's cores without oversubscribing them.
export TF_INTRA_OP_PARALLELISM_THREADS ?= 2
export TF_INTER_OP_PARALLELISM_THREADS ?= 2
export TF_CPP_MIN_LOG_LEVEL ?= 2
# The Rasa server embeds one message at a time on its event loop: one OpenMP thread, not spinning.
# More threads were ~20x slower per message on a busy 2-core machine (docs/benchmarks.md).
export RASA_OMP_NUM_THREADS ?= 1
export PYTHONDONTWRITEBYTECODE := 1
# Rasa's telemetry and error reports go to outside hosts: never from here.
export RASA_TELEMETRY_ENABLED := false
# Third-party deprecation chatter hides what matters in the logs.
export PYTHONWARNINGS ?= ignore::DeprecationWarning
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1

.PHONY: help run run-prod stop-prod prod-packages test test-fast bench venv browser db train model eval lint lock clean import export

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

run: venv db model ## Set up everything and start directory, action server and Rasa (Ctrl-C stops all)
	@echo ""
	@echo "  Chat page and directory  http://localhost:$(DIRECTORY_PORT)/   (HSDS API: /api/, staff admin: /admin/)"
	@echo "  Rasa (REST)              http://localhost:$(RASA_PORT)/webhooks/rest/webhook"
	@echo "  Action server            http://localhost:$(ACTION_PORT)/webhook"
	@echo "  Staff account (+ API token): STAFF_PASSWORD=... $(PY) directory/manage.py create_staff NAME --role administrator --password-from-env STAFF_PASSWORD --token"
	@echo ""
	$(VENV)/bin/honcho start -f Procfile

run-prod: venv prod-packages model ## The production profile: PostgreSQL, Redis, nginx and RASA_REPLICAS (2) Rasa processes
	scripts/run-production

stop-prod: ## Stop the production profile's processes, PostgreSQL and Redis
	scripts/run-production stop

test: venv browser prod-packages model lint ## Run every check: lint, data validation, unit, action, browser and end-to-end tests
	$(PY) -m pytest

test-fast: venv lint ## The fast tier for the inner loop: no server, browser or trained model (about 2 minutes)
	$(PY) -m pytest -m fast

lint: venv ## The linter and the formatter's check (ruff, configured in pyproject.toml; `ruff format .` applies it)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: venv prod-packages model ## Measure latency, throughput, memory of make run and make run-prod (docs/benchmarks.md), fuzz 10,000 messages
	$(PY) scripts/benchmark.py

venv: $(INSTALLED) ## Create .venv with the pinned dependencies

$(INSTALLED): requirements.lock
	@PYTHON=$$(scripts/find-python310) || exit 1; \
	  if [ ! -x $(PY) ] || ! $(PY) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))'; then \
	    rm -rf $(VENV) && $$PYTHON -m venv $(VENV); fi
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	rm -f $(VENV)/.installed-* && touch $@

browser: ## Install Debian's chromium (Playwright drives /usr/bin/chromium) and nodejs (the widget's unit tests)
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/node ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium nodejs; \
	  else echo "error: /usr/bin/chromium or /usr/bin/node is missing; install them with: sudo apt-get install chromium nodejs" >&2; exit 1; fi; fi

prod-packages: ## Install Debian's PostgreSQL, Redis and nginx (production profile and its tests)
	@missing=""; \
	  ls -d /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing="$$missing postgresql"; \
	  command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx"; \
	  if [ -n "$$missing" ]; then \
	    if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	    else echo "error: missing Debian packages:$$missing; install them with: sudo apt-get install$$missing" >&2; exit 1; fi; fi

db: venv ## Create or migrate the directory database; load the demo city when it is empty
	cd directory && ../$(PY) manage.py migrate --no-input -v 0 && ../$(PY) manage.py bootstrap_directory \
	  && ../$(PY) manage.py collectstatic --no-input -v 0

model: venv ## Train the model only when data/, config.yml or domain.yml changed
	@if $(PY) -m bot.model_fingerprint check $(MODEL); then echo "Model $(MODEL) is up to date."; else $(MAKE) --no-print-directory train; fi

train: venv ## Train the assistant's model now
	$(RASA) train --force --fixed-model-name newcomer --out models
	$(PY) -m bot.model_fingerprint save $(MODEL)

eval: venv model ## Evaluate on the held-out sets: understanding (docs/nlu-evaluation.md), whole conversations (docs/conversation-evaluation.md), crosswalk suggestions (docs/crosswalk-evaluation.md)
	$(PY) -m bot.evaluation
	$(PY) tests/conversations/evaluate.py
	$(PY) scripts/evaluate_crosswalk.py

import: venv ## Import an HSDS package: FILE=x.zip|folder|x.xlsx (dry run, applied only if clean; DRY_RUN=1 stops there)
	@test -n "$(FILE)" || { echo "usage: make import FILE=package.zip|folder|workbook.xlsx [DRY_RUN=1] [IMPORT_AS=username] [SOURCE=name] [ON_ERROR=skip]" >&2; exit 2; }
	$(PY) directory/manage.py import_hsds "$(FILE)" --dry-run $(if $(IMPORT_AS),--as "$(IMPORT_AS)") $(if $(SOURCE),--source "$(SOURCE)") $(if $(ON_ERROR),--on-error "$(ON_ERROR)")
	@if [ -z "$(DRY_RUN)" ]; then echo "Dry run clean: applying."; $(PY) directory/manage.py import_hsds "$(FILE)" $(if $(IMPORT_AS),--as "$(IMPORT_AS)") $(if $(SOURCE),--source "$(SOURCE)") $(if $(ON_ERROR),--on-error "$(ON_ERROR)" --report var/import-skipped.csv && echo "Left-out rows and why: var/import-skipped.csv"); fi

export: venv ## Export the directory as an HSDS package: FILE=x.zip (CSV files + datapackage.json) or FILE=x.xlsx
	@test -n "$(FILE)" || { echo "usage: make export FILE=directory.zip|directory.xlsx" >&2; exit 2; }
	$(PY) directory/manage.py export_hsds "$(FILE)"

lock: ## Re-resolve requirements.in into requirements.lock (needs the network to PyPI)
	@PYTHON=$$(scripts/find-python310) || exit 1; rm -rf /tmp/newcomer-lock && $$PYTHON -m venv /tmp/newcomer-lock && \
	  /tmp/newcomer-lock/bin/pip install --quiet -r requirements.in && \
	  { echo "# Exact versions of every dependency (Python 3.10). Regenerate with: make lock"; /tmp/newcomer-lock/bin/pip freeze --exclude-editable; } > requirements.lock

clean: ## Remove the virtualenv, trained models and local databases
	rm -rf $(VENV) models/*.tar.gz models/*.fingerprint var .rasa
