package io.tollgate.chain;

/** How a payment moves value on-chain. */
public enum AssetKind {
  /** An ERC-20 token: proven by a Transfer log of the token contract. */
  ERC20,
  /** The chain's native coin (ETH): proven by the transaction's value (and, later, balance diffs). */
  NATIVE
}
