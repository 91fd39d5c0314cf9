# syntax=docker/dockerfile:1
# One image for every Python process of the production profile: the directory (gunicorn), the action
# server, the Rasa replicas and the one-shot jobs (migrate, conversation-retention). docker-compose.yml
# and deploy/k8s/ choose the process by its command. No secret is baked in: every password, token and
# key comes from the environment at run time (docker-compose.yml, deploy/k8s/secret.template.yaml).
#
#   make model && docker build -t newcomer-assistant .
#
# The trained model is copied from models/ (train it first; models/ is not in git). To ship models
# separately, mount one over /app/models and point RASA_MODEL at it.
FROM python:3.10-slim-bookworm

# OMP_*: one passive OpenMP thread for the sentence embeddings, as `make run` and `make run-prod` have
# (more threads were ~20x slower per message on a busy 2-core machine: docs/benchmarks.md).
ENV PYTHONDONTWRITEBYTECODE=1 \
    OMP_NUM_THREADS=1 \
    OMP_WAIT_POLICY=PASSIVE \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    HOME=/home/app \
    RASA_TELEMETRY_ENABLED=false \
    TF_CPP_MIN_LOG_LEVEL=2 \
    TF_INTRA_OP_PARALLELISM_THREADS=2 \
    TF_INTER_OP_PARALLELISM_THREADS=2 \
    PYTHONWARNINGS=ignore::DeprecationWarning \
    SQLALCHEMY_SILENCE_UBER_WARNING=1 \
    RASA_MODEL=models/newcomer.tar.gz \
    RASA_ENDPOINTS=endpoints.production.yml

# The pinned dependencies, exactly as `make venv` installs them (every one ships as a wheel).
COPY requirements.lock /tmp/requirements.lock
RUN python -m venv /opt/venv \
    && pip install --no-cache-dir -r /tmp/requirements.lock \
    && rm /tmp/requirements.lock

# An unprivileged user with a home of its own (Rasa and Keras keep small settings files there).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --create-home --home-dir /home/app --shell /usr/sbin/nologin app

WORKDIR /app
COPY config.yml domain.yml credentials.yml endpoints.yml endpoints.production.yml ./
# What the processes share (languages, needs, scrub rules): imported by all three.
COPY contracts/ contracts/
COPY actions/ actions/
COPY bot/ bot/
COPY widget/ widget/
COPY directory/ directory/
COPY models/ models/

RUN test -f models/newcomer.tar.gz || { echo "models/newcomer.tar.gz is missing: run 'make model' first." >&2; exit 1; }
# Static files for whitenoise, collected at build time. The settings need a key to load: a random one
# for this command only (it signs nothing and is not kept), so no key file ends up in the image.
RUN DIRECTORY_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    python directory/manage.py collectstatic --no-input -v 0

USER 10001:10001
EXPOSE 8000 5055 5005
# Default process: one Rasa server (compose and Kubernetes always give their own command).
CMD ["rasa", "run", "--model", "models/newcomer.tar.gz", "--interface", "0.0.0.0", "--port", "5005", \
     "--credentials", "credentials.yml", "--endpoints", "endpoints.production.yml"]
