package io.tollgate.signature;

import io.tollgate.chain.Hex;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.web3j.crypto.Hash;

/**
 * The signer's code when its signature was checked: what kind of account it was, the first 23
 * bytes of its code (the {@code prefix}, which for an EIP-7702 account names the delegate) and the
 * keccak256 of the whole code. Stored with a payer binding and compared at settlement with
 * {@link #permits(WalletCode)}, because a re-delegation changes who controls the signature.
 */
public record WalletCode(Kind kind, String prefix, String codeHash) {

  /** 0xef0100 ‖ 20-byte delegate address (EIP-7702 delegation indicator). */
  static final int DELEGATION_LENGTH = 23;
  private static final byte[] DELEGATION_MARKER = {(byte) 0xef, 0x01, 0x00};
  private static final String EMPTY_CODE_HASH = Hex.encode(Hash.sha3(new byte[0]));

  public enum Kind {
    /** No code: an externally owned account. */
    EOA("eoa"),
    /** Ordinary contract code (a smart wallet). */
    CONTRACT("contract"),
    /** An EOA whose code is an EIP-7702 delegation indicator. */
    DELEGATED("eip7702_delegated"),
    /** No code yet, validated through an ERC-6492 wrapper: deployment is expected later. */
    COUNTERFACTUAL("counterfactual");

    private final String code;

    Kind(String code) {
      this.code = code;
    }

    public String code() { return code; }

    public static Kind fromCode(String code) {
      for (Kind k : values()) {
        if (k.code.equals(code)) return k;
      }
      throw new IllegalArgumentException("unknown wallet code kind: " + code);
    }
  }

  public WalletCode {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(codeHash, "codeHash");
  }

  /** Classifies code as read by {@code eth_getCode}. */
  static WalletCode of(byte[] code) {
    Kind kind = code.length == 0 ? Kind.EOA : isDelegation(code) ? Kind.DELEGATED : Kind.CONTRACT;
    return new WalletCode(kind,
        Hex.encode(Arrays.copyOf(code, Math.min(code.length, DELEGATION_LENGTH))),
        code.length == 0 ? EMPTY_CODE_HASH : Hex.encode(Hash.sha3(code)));
  }

  static boolean isDelegation(byte[] code) {
    return code.length == DELEGATION_LENGTH
        && code[0] == DELEGATION_MARKER[0] && code[1] == DELEGATION_MARKER[1] && code[2] == DELEGATION_MARKER[2];
  }

  WalletCode asCounterfactual() {
    return new WalletCode(Kind.COUNTERFACTUAL, prefix, codeHash);
  }

  /** The EIP-7702 delegate (lowercase 0x address) when this is a delegated EOA. */
  public Optional<String> delegate() {
    return kind == Kind.DELEGATED ? Optional.of("0x" + prefix.substring(8)) : Optional.empty();
  }

  /**
   * Whether {@code later} (read at settlement) still belongs to the wallet this binding was made
   * with: the same code prefix, so an EOA that got delegated, a 7702 account re-delegated or a
   * contract replaced in place is refused. One change is expected and allowed: a counterfactual
   * (ERC-6492) wallet that has since been deployed as an ordinary contract.
   */
  public boolean permits(WalletCode later) {
    if (kind == Kind.COUNTERFACTUAL) {
      return later.kind == Kind.COUNTERFACTUAL || later.kind == Kind.CONTRACT || later.kind == Kind.EOA;
    }
    return prefix.equalsIgnoreCase(later.prefix);
  }
}
