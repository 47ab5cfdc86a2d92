package io.tollgate.relay;

import io.tollgate.chain.Hex;
import java.math.BigInteger;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.Hash;
import org.web3j.crypto.RawTransaction;
import org.web3j.crypto.TransactionEncoder;

/** A signed EIP-1559 transaction, ready to store and broadcast; its hash is known before it is sent. */
record SignedTx(byte[] raw, String hash, long nonce, Fees fees) {

  /** The relay transaction: {@code calldata} to {@code to}, no value. */
  static SignedTx sign(Credentials key, long chainId, long nonce, long gasLimit, String to, byte[] calldata, Fees fees) {
    RawTransaction tx = RawTransaction.createTransaction(chainId, BigInteger.valueOf(nonce), BigInteger.valueOf(gasLimit),
        to, BigInteger.ZERO, Hex.encode(calldata), fees.priorityFee(), fees.maxFee());
    byte[] raw = TransactionEncoder.signMessage(tx, key);
    return new SignedTx(raw, Hex.encode(Hash.sha3(raw)), nonce, fees);
  }

  /**
   * A cancel: nothing to the relayer itself at {@code nonce}, so a given-up relay's nonce is used and
   * the key's later transactions are not held up behind a gap.
   */
  static SignedTx cancel(Credentials key, long chainId, long nonce, Fees fees) {
    RawTransaction tx = RawTransaction.createTransaction(chainId, BigInteger.valueOf(nonce), BigInteger.valueOf(21_000),
        key.getAddress(), BigInteger.ZERO, "0x", fees.priorityFee(), fees.maxFee());
    byte[] raw = TransactionEncoder.signMessage(tx, key);
    return new SignedTx(raw, Hex.encode(Hash.sha3(raw)), nonce, fees);
  }

  String rawHex() {
    return Hex.encode(raw);
  }
}
