// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// A broken ERC-1271 wallet that says yes to every signature, an all-zero one included.
/// Verifiers must notice (zero-signature probe) and refuse it.
contract PermissiveWallet {
    function isValidSignature(bytes32, bytes calldata) external pure returns (bytes4) {
        return 0x1626ba7e;
    }
}

/// Answers ERC-1271 with the magic value but in a non-canonical encoding (dirty low-order bytes):
/// only the exact 32-byte ABI encoding of 0x1626ba7e may count.
contract SloppyMagicWallet {
    fallback(bytes calldata input) external returns (bytes memory) {
        // "Accepts" only when the first signature byte is 0x01, so the all-zero probe is refused
        // and the test reaches the encoding check.
        if (input.length > 100 && input[100] == 0x01) {
            return abi.encode(bytes32(0x1626ba7e00000000000000000000000000000000000000000000000000000001));
        }
        return abi.encode(bytes32(0));
    }
}
