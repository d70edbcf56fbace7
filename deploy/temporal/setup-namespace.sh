#!/bin/sh
# Waits for the Temporal frontend, creates the namespace when it is missing, and registers Pulse's
# custom search attributes (those in workflows/search-attributes.ts). Safe to run again: what
# exists is left alone.
#
# Reads TEMPORAL_ADDRESS and TEMPORAL_NAMESPACE; the temporal CLI also honours TEMPORAL_API_KEY and
# TEMPORAL_TLS_* for a secured cluster. Used by docker-compose.yml (temporal-setup), by the
# Kubernetes setup job (deploy/kubernetes/temporal-setup-job.yaml carries a copy, checked equal)
# and by test/deploy/temporal-scripts.test.ts.
set -eu

ns="${TEMPORAL_NAMESPACE:-default}"
retention="${TEMPORAL_NAMESPACE_RETENTION:-72h}"
attempts="${SETUP_ATTEMPTS:-60}"

retry() {
  what="$1"
  shift
  attempt=1
  until "$@" > /dev/null 2>&1; do
    if [ "$attempt" -ge "$attempts" ]; then
      echo "gave up waiting for $what after $attempts attempts" >&2
      "$@" # once more, with its error shown
      exit 1
    fi
    echo "waiting for $what ($attempt/$attempts)"
    attempt=$((attempt + 1))
    sleep 2
  done
}

retry "the Temporal frontend at ${TEMPORAL_ADDRESS:-127.0.0.1:7233}" temporal operator cluster health
if temporal operator namespace describe --namespace "$ns" > /dev/null 2>&1; then
  echo "namespace $ns exists"
else
  temporal operator namespace create --namespace "$ns" --retention "$retention"
  echo "namespace $ns created (retention $retention)"
fi
# describe reads the database; the other calls use the frontend's namespace cache, which a new
# namespace reaches within ~10 s.
retry "namespace $ns in the frontend's cache" temporal operator search-attribute list --namespace "$ns"

existing="$(temporal operator search-attribute list --namespace "$ns")"
for spec in PulseAccount=Keyword PulseContact=Keyword PulseProfiles=KeywordList \
            EngagementScore=Int PulseTrigger=Keyword PulseAutomation=Keyword \
            PulseAutomationStep=Keyword PulseOutcome=Keyword; do
  name="${spec%%=*}"
  type="${spec#*=}"
  if printf '%s\n' "$existing" | grep -qw "$name"; then
    echo "search attribute $name already registered"
  else
    temporal operator search-attribute create --namespace "$ns" --name "$name" --type "$type"
    echo "search attribute $name ($type) registered"
  fi
done
