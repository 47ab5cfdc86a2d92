#!/usr/bin/env bash
# Issue 17's benchmark in one command: the x402 reference facilitator (@x402/core + @x402/evm
# registerExactEvmScheme behind express, a viem signer) and Tollgate (target/tollgate.jar serve) on the
# same anvil, the same 64 payloads made by the SDK's client for 64 funded payers, wrk 64 connections
# on POST /verify, alternating runs; each side's JSON-RPC calls counted by its own proxy. Prints the
# comparison and writes target/loadtest/x402-verify/report.md. Everything runs on 127.0.0.1 and stops by itself.
# Needs: wrk, node with `npm install` done, PostgreSQL on 127.0.0.1:5432 (user postgres), Redis on 127.0.0.1:6379.
# Settings: -Drounds=2 -Dseconds=20 -Dwarmup=5 -Dconnections=64 -Dpayers=64 -DwrkCpu=0-1
#           -Dport=18402 -DrefPort=18403 -Ddatabase=tollgate_load_x402 (change them when another run may overlap)
#           LOADTEST_JVM_FLAGS (default "-Xms1g -Xmx1g -XX:+UseG1GC") for Tollgate.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v wrk >/dev/null || { echo "wrk is not installed: apt-get install -y wrk" >&2; exit 1; }
[ -d node_modules/@x402/evm ] || npm install
# the jar is rebuilt when any main source or resource is newer than it (a stale jar would measure old code)
if [ ! -f target/tollgate.jar ] || [ -n "$(find src/main pom.xml -newer target/tollgate.jar -print -quit)" ]; then
  mvn -B -q -DskipTests package
fi
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/loadtest-cp.txt -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/loadtest-cp.txt)" "$@" io.tollgate.loadtest.X402VerifyBench
