#!/usr/bin/env bash
# Issue 17's /settle throughput in one command: Tollgate (target/tollgate.jar serve) on anvil mining a
# block every second; N distinct valid authorizations of 64 payers, made by the x402 SDK's own client,
# each settled once through POST /x402/settle by 64 concurrent clients (X402SettleBench); Tollgate's
# JSON-RPC calls through a counting proxy that also records the node's refusals of the relayer's
# transactions. Prints settles/s, p50/p99, answers by outcome, nonce refusals, whether every success has
# its on-chain transfer, and writes target/loadtest/x402-settle/report.md. Everything runs on 127.0.0.1
# and stops by itself.
# Needs: node with `npm install` done, PostgreSQL on 127.0.0.1:5432 (user postgres), Redis on 127.0.0.1:6379.
# Settings: -Dn=2000 -Dpayers=64 -Dconnections=64 -DblockTime=1 -Dport=18404 -Ddatabase=tollgate_load_x402_settle
#           (a smoke: -Dn=200); LOADTEST_JVM_FLAGS (default "-Xms1g -Xmx1g -XX:+UseG1GC") for Tollgate.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -d node_modules/@x402/evm ] || npm install
# the jar is rebuilt when any main source or resource is newer than it (a stale jar would measure old code)
if [ ! -f target/tollgate.jar ] || [ -n "$(find src/main pom.xml -newer target/tollgate.jar -print -quit)" ]; then
  mvn -B -q -DskipTests package
fi
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/loadtest-cp.txt -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/loadtest-cp.txt)" "$@" io.tollgate.loadtest.X402SettleBench
