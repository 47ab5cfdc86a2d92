#!/usr/bin/env bash
# Issue 20's server-sent events benchmark in one command, two parts, each starting what it needs on
# 127.0.0.1 and stopping by itself:
#  1. SseStreams: Tollgate (target/tollgate.jar serve) holding S open live status streams
#     (GET /v1/checkouts/{id}/events): heap after a full GC and resident set per stream, CPU while
#     idle, each against the same instance without streams (report: target/loadtest/sse-streams-<S>/report.md).
#  2. The ticket drop (scripts/loadtest/drop.sh's Drop) with half the buyers on server-sent events
#     instead of polling: the delay from paid published to the buyer's browser having it, by event
#     and by poll (report: target/loadtest/drop-n<N>-poll2000/report.md).
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres) and Redis on 127.0.0.1:6379.
# Settings (environment): SSE_STREAMS (10000), SSE_CHECKOUTS (1000), SSE_IDLE_SECONDS (60),
#   SSE_DROP_N (10000; 0 skips part 2), SSE_SHARE (0.5), SSE_DROP_ARGS (more -D settings for the drop,
#   e.g. "-DpayWindow=60 -Dwarmup=2000"); LOADTEST_JVM_FLAGS (default "-Xms1g -Xmx1g -XX:+UseG1GC") for Tollgate.
set -euo pipefail
cd "$(dirname "$0")/../.."
streams=${SSE_STREAMS:-10000}
# every stream is a connection: a client socket in the driver and a server socket in Tollgate
want=$(( streams * 2 + 4096 ))
ulimit -n "$want" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
if [ "$(ulimit -n)" -lt $(( streams + 1024 )) ]; then
  echo "open-file limit $(ulimit -n) is too low for $streams streams (hard limit $(ulimit -Hn))" >&2
  exit 1
fi
[ -f target/tollgate.jar ] || mvn -B -q -DskipTests package
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/loadtest-cp.txt -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat target/loadtest-cp.txt)"
java -Xmx1g -cp "$cp" -Dstreams="$streams" -Dcheckouts="${SSE_CHECKOUTS:-1000}" \
  -DidleSeconds="${SSE_IDLE_SECONDS:-60}" io.tollgate.loadtest.SseStreams
n=${SSE_DROP_N:-10000}
if [ "$n" -gt 0 ]; then
  # shellcheck disable=SC2086
  java -Xmx1g -cp "$cp" -Dn="$n" -DsseShare="${SSE_SHARE:-0.5}" ${SSE_DROP_ARGS:-} io.tollgate.loadtest.Drop
fi
