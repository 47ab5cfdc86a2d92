package io.tollgate.signature;

import io.tollgate.testing.TestChain;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.web3j.abi.TypeEncoder;
import org.web3j.abi.datatypes.Address;
import org.web3j.abi.datatypes.generated.Bytes32;
import org.web3j.abi.datatypes.generated.Uint256;
import org.web3j.crypto.Credentials;
import org.web3j.crypto.ECKeyPair;
import org.web3j.crypto.Hash;
import org.web3j.crypto.Sign;
import org.web3j.rlp.RlpEncoder;
import org.web3j.rlp.RlpList;
import org.web3j.rlp.RlpString;
import org.web3j.rlp.RlpType;
import org.web3j.utils.Numeric;

/**
 * The buyer's side for tests: raw signatures, malleated ones, wallet hashes, EIP-7702 type-4
 * transactions. Public for the end-to-end tests (io.tollgate.e2e), which sign challenges with it.
 */
public final class TestSigner {
  /** Calldata of {@code DOMAIN_SEPARATOR()} (what an EIP-7702 envelope delegate answers). */
  public static final String DOMAIN_SEPARATOR_CALL = ContractCalls.DOMAIN_SEPARATOR_CALL;

  private TestSigner() {}

  /** r ‖ s ‖ v (27/28) over a 32-byte hash, low s. */
  public static byte[] sign(byte[] hash, ECKeyPair key) {
    Sign.SignatureData sig = Sign.signMessage(hash, key, false);
    return concat(sig.getR(), sig.getS(), sig.getV());
  }

  public static String signHex(byte[] hash, ECKeyPair key) {
    return Numeric.toHexString(sign(hash, key));
  }

  /** The same signature with s' = n − s and v flipped: just as valid for ecrecover, and malleable. */
  public static byte[] highS(byte[] signature) {
    BigInteger s = new BigInteger(1, Arrays.copyOfRange(signature, 32, 64));
    byte[] out = signature.clone();
    System.arraycopy(Numeric.toBytesPadded(Ecdsa.N.subtract(s), 32), 0, out, 32, 32);
    out[64] = (byte) (out[64] == 27 ? 28 : 27);
    return out;
  }

  /** TestOwnerWallet's replay-safe hash: what its owner signs for {@code hash} on {@code chainId}. */
  public static byte[] walletHash(String wallet, long chainId, byte[] hash) {
    byte[] domain = Hash.sha3(Numeric.hexStringToByteArray(
        TypeEncoder.encode(new Bytes32(Hash.sha3("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)".getBytes())))
            + TypeEncoder.encode(new Bytes32(Hash.sha3("Tollgate Test Wallet".getBytes())))
            + TypeEncoder.encode(new Bytes32(Hash.sha3("1".getBytes())))
            + TypeEncoder.encode(new Uint256(chainId))
            + TypeEncoder.encode(new Address(wallet))));
    byte[] struct = Hash.sha3(Numeric.hexStringToByteArray(
        TypeEncoder.encode(new Bytes32(Hash.sha3("TestWalletMessage(bytes32 hash)".getBytes())))
            + TypeEncoder.encode(new Bytes32(hash))));
    return Digest.envelope(domain, struct);
  }

  /**
   * Sends a real EIP-7702 (type 0x04) transaction, paid by {@code sponsor}, whose one
   * authorization (signed by {@code eoa}) delegates the EOA to {@code delegate}. web3j 4.13 has
   * no type-4 support, so it is RLP-encoded here by the EIP's rules.
   */
  public static String delegate(TestChain chain, Credentials sponsor, Credentials eoa, String delegate) {
    BigInteger chainId = BigInteger.valueOf(chain.chainId());
    BigInteger eoaNonce = Numeric.decodeQuantity((String) chain.rpc("eth_getTransactionCount", eoa.getAddress(), "pending"));
    byte[] delegateBytes = Numeric.hexStringToByteArray(delegate);
    // authority signs keccak256(0x05 ‖ rlp([chain_id, address, nonce]))
    byte[] authPayload = prefixed((byte) 0x05, RlpEncoder.encode(new RlpList(
        RlpString.create(chainId), RlpString.create(delegateBytes), RlpString.create(eoaNonce))));
    Sign.SignatureData auth = Sign.signMessage(authPayload, eoa.getEcKeyPair(), true);
    RlpList authorization = new RlpList(
        RlpString.create(chainId), RlpString.create(delegateBytes), RlpString.create(eoaNonce),
        RlpString.create(BigInteger.valueOf(auth.getV()[0] - 27)),
        RlpString.create(new BigInteger(1, auth.getR())), RlpString.create(new BigInteger(1, auth.getS())));

    BigInteger nonce = Numeric.decodeQuantity((String) chain.rpc("eth_getTransactionCount", sponsor.getAddress(), "pending"));
    BigInteger gasPrice = Numeric.decodeQuantity((String) chain.rpc("eth_gasPrice"));
    BigInteger tip = BigInteger.TEN.pow(9);
    List<RlpType> fields = new ArrayList<>(List.of(
        RlpString.create(chainId), RlpString.create(nonce), RlpString.create(tip),
        RlpString.create(gasPrice.multiply(BigInteger.TWO).add(tip)), RlpString.create(BigInteger.valueOf(200_000)),
        // to the sponsor itself: a call into the delegated EOA would run the delegate's code
        RlpString.create(Numeric.hexStringToByteArray(sponsor.getAddress())), RlpString.create(BigInteger.ZERO),
        RlpString.create(new byte[0]), new RlpList(), new RlpList(authorization)));
    Sign.SignatureData txSig = Sign.signMessage(prefixed((byte) 0x04, RlpEncoder.encode(new RlpList(fields))),
        sponsor.getEcKeyPair(), true);
    fields.add(RlpString.create(BigInteger.valueOf(txSig.getV()[0] - 27)));
    fields.add(RlpString.create(new BigInteger(1, txSig.getR())));
    fields.add(RlpString.create(new BigInteger(1, txSig.getS())));
    String raw = Numeric.toHexString(prefixed((byte) 0x04, RlpEncoder.encode(new RlpList(fields))));
    String hash = (String) chain.rpc("eth_sendRawTransaction", raw);
    var receipt = chain.awaitReceipt(hash);
    if (!"0x1".equals(receipt.getString("status"))) throw new IllegalStateException("type-4 transaction reverted");
    if (!"0x4".equals(receipt.getString("type"))) throw new IllegalStateException("not mined as type 4: " + receipt.getString("type"));
    return hash;
  }

  /** The EIP-191 personal_sign hash of a text (what wallets sign for a Sign-In with Ethereum message). */
  public static byte[] personalSignHash(String text) {
    return Digest.personalSign(text).hash();
  }

  /** keccak256(0x1901 ‖ domainSeparator ‖ hash). */
  public static byte[] envelope(byte[] domainSeparator, byte[] hash) {
    return Digest.envelope(domainSeparator, hash);
  }

  /** abi.encode(factory, factoryCalldata, inner) ‖ the ERC-6492 magic suffix. */
  public static byte[] wrap6492(String factory, String factoryCalldata, byte[] inner) {
    return Erc6492.wrap(new Erc6492.Wrapped(factory, Numeric.hexStringToByteArray(factoryCalldata), inner));
  }

  public static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] p : parts) length += p.length;
    byte[] out = new byte[length];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  private static byte[] prefixed(byte prefix, byte[] body) {
    byte[] out = new byte[body.length + 1];
    out[0] = prefix;
    System.arraycopy(body, 0, out, 1, body.length);
    return out;
  }
}
