#!/usr/bin/env bash
# Issue 2's poll scenario: wrk against GET /v1/checkouts/{id}/status of 2,000 open checkouts and
# against a bare Vert.x constant endpoint (the ceiling), rate limiting on (Redis) and off.
# Everything runs on 127.0.0.1 and stops by itself (each wrk run is bounded by -d).
# Needs: wrk (apt-get install wrk), PostgreSQL on 127.0.0.1:5432 (user postgres), Redis on 127.0.0.1:6379.
# Settings: -Dcheckouts=2000 -Dseconds=20 -Dwarmup=8 -Dconnections=64 -DwrkThreads=1 -DwrkCpu=1 -Djfr=true
#           -Dport=18080 -DceilingPort=18089 -Ddatabase=tollgate_load_poll (change them when another run may overlap)
#           LOADTEST_JVM_FLAGS (default "-Xms1g -Xmx1g -XX:+UseG1GC") for Tollgate and the ceiling.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
[ -f target/tollgate.jar ] || mvn -B -q -DskipTests package
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/loadtest-cp.txt -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/loadtest-cp.txt)" "$@" io.tollgate.loadtest.PollBench
