#!/usr/bin/env bash
# One run of the harness in a Kubernetes namespace of its own, from the files of
# `contract-harness k8s render --out DIR` (docs/scale-out.md, "Kubernetes"):
#
#   create     the namespace (and the Secret harness-env from --env-file, if given)
#   postgres   Postgres, until its Deployment is available
#   prepare    the Job that migrates and seeds, until it completes
#   services   every service twice (seeded, empty), until each Deployment is available
#   runner     the gate in the runner Job; its log streamed here
#   reports    the reports copied out of the runner pod
#   teardown   the namespace deleted, always, without waiting for it (--wait=false)
#
# Exit: the gate's own code when it ran (0 passed, 1 failed, 2 bad config); 3 when a stage
# failed before the gate ended (the message names it, with what kubectl says of its pods);
# 2 on a usage error. kubectl comes from $KUBECTL (default: kubectl on PATH), with the
# cluster and credentials of its current context.
set -euo pipefail

usage() {
  cat <<'EOF'
usage: infra/k8s/run.sh DIR [options]
  DIR                       the output folder of `contract-harness k8s render --out DIR`
  --reports DIR             where the reports go (default: ./reports-<run id>)
  --env-file FILE           KEY=value lines for the Secret harness-env (every pod's environment)
  --postgres-timeout S      seconds (default 180)
  --prepare-timeout S       seconds (default: the prepare Job's deadline, from run.env)
  --services-timeout S      seconds (default 300)
  --runner-start-timeout S  seconds until the runner pod runs (default 300)
  --runner-timeout S        seconds until the gate ends (default: the runner Job's deadline, from run.env)
  --keep                    do not delete the namespace (to look at a failed run)
EOF
}

KUBECTL=${KUBECTL:-kubectl}
dir=''
reports=''
env_file=''
postgres_timeout=180
prepare_timeout=''
services_timeout=300
runner_start_timeout=300
runner_timeout=''
keep=0

die_usage() { echo "run.sh: $1" >&2; usage >&2; exit 2; }
need_value() { if [ "$#" -lt 2 ] || [ -z "$2" ]; then die_usage "$1 needs a value"; fi; }
need_seconds() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || die_usage "$1: \"$2\" is not a whole number of seconds"; }

while [ "$#" -gt 0 ]; do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --reports) need_value "$@"; reports=$2; shift 2 ;;
    --env-file) need_value "$@"; env_file=$2; shift 2 ;;
    --postgres-timeout) need_value "$@"; need_seconds "$1" "$2"; postgres_timeout=$2; shift 2 ;;
    --prepare-timeout) need_value "$@"; need_seconds "$1" "$2"; prepare_timeout=$2; shift 2 ;;
    --services-timeout) need_value "$@"; need_seconds "$1" "$2"; services_timeout=$2; shift 2 ;;
    --runner-start-timeout) need_value "$@"; need_seconds "$1" "$2"; runner_start_timeout=$2; shift 2 ;;
    --runner-timeout) need_value "$@"; need_seconds "$1" "$2"; runner_timeout=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    -*) die_usage "unknown option $1" ;;
    *) [ -z "$dir" ] || die_usage "one DIR only"; dir=$1; shift ;;
  esac
done
[ -n "$dir" ] || die_usage "DIR is required"
[ -f "$dir/run.env" ] || die_usage "$dir/run.env not found: render the run first (contract-harness k8s render --out $dir)"
[ -z "$env_file" ] || [ -f "$env_file" ] || die_usage "--env-file $env_file not found"

# run.env is ours (k8s render writes it): read the keys, never source it
read_key() { sed -n "s/^$1=//p" "$dir/run.env" | head -n 1; }
namespace=$(read_key NAMESPACE)
run_id=$(read_key RUN_ID)
postgres_deployment=$(read_key POSTGRES_DEPLOYMENT)
prepare_job=$(read_key PREPARE_JOB)
runner_job=$(read_key RUNNER_JOB)
runner_reports=$(read_key RUNNER_REPORTS_DIR)
[[ "$namespace" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || die_usage "$dir/run.env: NAMESPACE \"$namespace\" is not a namespace name"
reports=${reports:-reports-$run_id}
prepare_timeout=${prepare_timeout:-$(read_key PREPARE_DEADLINE_SECONDS)}
runner_timeout=${runner_timeout:-$(read_key RUNNER_DEADLINE_SECONDS)}
need_seconds "run.env PREPARE_DEADLINE_SECONDS" "$prepare_timeout"
need_seconds "run.env RUNNER_DEADLINE_SECONDS" "$runner_timeout"

stage=''
begin() {
  stage=$1
  stage_started=$SECONDS
  echo "[k8s] $stage ..." >&2
}
done_stage() { echo "[k8s] $stage $((SECONDS - stage_started)) s" >&2; }

k() { "$KUBECTL" --namespace "$namespace" "$@"; }

# What kubectl says of the failed stage's pods: enough to see an image pull or a crash.
diagnose() {
  local selector=$1
  echo "[k8s] pods ($selector):" >&2
  k get pods -l "$selector" -o wide >&2 || true
  k describe pods -l "$selector" 2>/dev/null | tail -n 40 >&2 || true
  k logs -l "$selector" --all-containers --tail=40 --prefix >&2 || true
}

fail() {
  echo "[k8s] FAILED at stage $stage: $1" >&2
  [ -z "${2:-}" ] || diagnose "$2"
  exit 3
}

# shellcheck disable=SC2317 # run by the EXIT trap
teardown() {
  local code=$?
  trap - EXIT
  if [ -n "$stage" ]; then
    stage_started=$SECONDS
    stage=teardown
    if [ "$keep" = 1 ]; then
      echo "[k8s] teardown skipped (--keep): $KUBECTL delete namespace $namespace --wait=false" >&2
    elif "$KUBECTL" delete namespace "$namespace" --wait=false --ignore-not-found >&2; then
      echo "[k8s] teardown requested: namespace $namespace is being deleted" >&2
    else
      echo "[k8s] teardown FAILED: delete namespace $namespace by hand" >&2
    fi
  fi
  exit "$code"
}
trap teardown EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A Job's end: "Complete" or "Failed", polled until the deadline (kubectl wait knows one condition only).
wait_job() {
  local job=$1 timeout=$2 deadline=$((SECONDS + $2)) state
  while [ "$SECONDS" -lt "$deadline" ]; do
    state=$(k get job "$job" -o 'jsonpath={range .status.conditions[?(@.status=="True")]}{.type}{" "}{end}' 2>/dev/null || true)
    case " $state " in
      *" Complete "*) return 0 ;;
      *" Failed "*) fail "job/$job failed" "job-name=$job" ;;
    esac
    sleep 2
  done
  fail "job/$job did not complete within ${timeout} s" "job-name=$job"
}

begin create
"$KUBECTL" apply -f "$dir/00-namespace.yaml" >&2 || fail "could not create the namespace $namespace"
if [ -n "$env_file" ]; then
  k create secret generic harness-env --from-env-file="$env_file" >&2 || fail "could not create the Secret harness-env from $env_file"
fi
done_stage

begin postgres
k apply -f "$dir/10-postgres.yaml" >&2 || fail "kubectl apply 10-postgres.yaml"
k rollout status "deployment/$postgres_deployment" --timeout="${postgres_timeout}s" >&2 ||
  fail "deployment/$postgres_deployment not available within ${postgres_timeout} s" "app.kubernetes.io/name=$postgres_deployment"
done_stage

begin prepare
k apply -f "$dir/20-prepare.yaml" >&2 || fail "kubectl apply 20-prepare.yaml"
wait_job "$prepare_job" "$prepare_timeout"
k logs "job/$prepare_job" --tail=20 >&2 || true
done_stage

begin services
k apply -f "$dir/30-services.yaml" >&2 || fail "kubectl apply 30-services.yaml"
k wait --for=condition=Available deployment -l contract-harness/role=service --timeout="${services_timeout}s" >&2 ||
  fail "not every service instance was ready within ${services_timeout} s" "contract-harness/role=service"
done_stage

begin runner
k apply -f "$dir/40-runner.yaml" >&2 || fail "kubectl apply 40-runner.yaml"
deadline=$((SECONDS + runner_start_timeout))
pod=''
while [ "$SECONDS" -lt "$deadline" ]; do
  pod=$(k get pods -l "job-name=$runner_job" -o 'jsonpath={.items[0].metadata.name}' 2>/dev/null || true)
  gate_state=$(k get pod "$pod" -o 'jsonpath={.status.containerStatuses[?(@.name=="gate")].state}' 2>/dev/null || true)
  case "$gate_state" in *running* | *terminated*) break ;; esac
  sleep 2
done
case "${gate_state:-}" in *running* | *terminated*) ;; *) fail "the runner pod did not start within ${runner_start_timeout} s" "job-name=$runner_job" ;; esac
# the gate's own output, to its end (a dropped stream is followed by the wait below)
k logs -f "$pod" -c gate || true
gate_code=''
deadline=$((SECONDS + runner_timeout))
while [ -z "$gate_code" ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "the gate did not end within ${runner_timeout} s" "job-name=$runner_job"
  gate_code=$(k get pod "$pod" -o 'jsonpath={.status.containerStatuses[?(@.name=="gate")].state.terminated.exitCode}' 2>/dev/null || true)
  [ -n "$gate_code" ] || {
    phase=$(k get pod "$pod" -o 'jsonpath={.status.phase}' 2>/dev/null || true)
    [ "$phase" != Failed ] || fail "the runner pod failed before the gate ended (deadline?)" "job-name=$runner_job"
    sleep 2
  }
done
echo "[k8s] gate exited with code $gate_code" >&2
done_stage

begin reports
mkdir -p "$reports"
k cp -c reports "$pod:$runner_reports/." "$reports" >&2 || fail "kubectl cp of the reports from $pod"
k exec -c reports "$pod" -- touch "$runner_reports/.collected" >&2 || true
echo "[k8s] reports in $reports" >&2
done_stage

exit "$gate_code"
