#!/usr/bin/env bash
# Issue 5's ticket drop in one command: a fresh database (tollgate_load), an anvil mining on a timer,
# a counting JSON-RPC proxy (HTTP and WebSocket), Tollgate from target/tollgate.jar configured as a user deploys it,
# N checkouts, N buyers paying (ERC-20 and native ETH) and polling, then PostgreSQL checks and a
# report (printed and written to target/loadtest/drop-n<N>-poll<ms>/report.md). Everything runs on
# 127.0.0.1 and stops by itself: when every checkout is paid, or at the pay window + grace, or at
# hardLimit seconds.
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres) and Redis on 127.0.0.1:6379.
# Settings: -Dn=1000 -DpollMs=2000 -DblockTime=2 -DpayWindow=120 -DethShare=0.5 -DretryShare=0.05
#           -DgaslessShare=0 (share of buyers without ETH paying USDC by EIP-3009 signature through the relayer;
#           -Dn=4000 -DgaslessShare=0.5: 2,000 gasless buyers alongside the direct drop)
#           -DcreateConcurrency=32 -DheadPollMs=100 -DwsHeads=true -DwsFallbackMs=5000 -Dgrace=90
#           -DhardLimit=1200 -Djfr=false -DgenLoops=2 -DgenConnections=1000 -DgenNice=0 -DprobePerSecond=20
#           -Dwarmup=0 (checkouts paid by other buyers before the drop, at its rate, not counted)
#           -Dcheckpoint=true (PostgreSQL checkpoints right before the drop; false leaves it to chance)
#           -Dport=18180 -Ddatabase=tollgate_load (dropped and created afresh: change both when another drop may overlap)
#           LOADTEST_JVM_FLAGS (default "-Xms1g -Xmx1g -XX:+UseG1GC") for Tollgate.
#           LOADTEST_RIG_CPUS (say 1): run the driver (generator, probe, proxy) and anvil on these CPUs
#           only; LOADTEST_SERVICE_CPUS (say 0-1): Tollgate's (PostgreSQL and Redis are left as they run).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f target/tollgate.jar ] || mvn -B -q -DskipTests package
mvn -B -q test-compile
mvn -B -q dependency:build-classpath -Dmdep.outputFile=target/loadtest-cp.txt -Dmdep.includeScope=test
# the generator (two event loops by default) gets a small heap; Tollgate runs in its own JVM
rig=()
[ -n "${LOADTEST_RIG_CPUS:-}" ] && rig=(taskset -c "$LOADTEST_RIG_CPUS")
exec "${rig[@]}" java -Xmx1g -cp "target/test-classes:target/classes:$(cat target/loadtest-cp.txt)" "$@" io.tollgate.loadtest.Drop
