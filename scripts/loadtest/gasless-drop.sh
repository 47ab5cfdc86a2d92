#!/usr/bin/env bash
# Issue 16's gasless drop in one command: drop.sh with every buyer gasless. 2,000 buyers holding USDC
# and no ETH each fetch the offered EIP-3009 typed data, sign it, post it to /authorizations and poll
# until paid; the relayer (anvil account 8) sends the transfers on 1 s blocks; every JSON-RPC call
# goes through the counting proxy. The report (printed, and in target/loadtest/drop-n<N>-poll<ms>/report.md)
# has the lines this drop is for: "gasless:" (JSON-RPC calls per gasless paid checkout, target <= 6),
# "relayer:" (relays by state, relays/s) and "pay window opened -> last checkout paid" with the node's
# nonce refusals (target 0), next to paid / lost / double credits.
# Any drop.sh setting may follow and wins, e.g. -Dn=500 on a loaded machine, or -DpayWindow=20 to
# bring the buyers faster than one key relays (its relays/s then measure the relayer, not arrivals).
set -euo pipefail
cd "$(dirname "$0")"
exec ./drop.sh -Dn=2000 -DgaslessShare=1 -DblockTime=1 -DpayWindow=120 -Dport=18190 -Ddatabase=tollgate_gasless_load "$@"
