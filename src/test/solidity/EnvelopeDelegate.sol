// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// EIP-7702 delegate in the manner of MetaMask's smart account in 7702 mode. Running as a
/// delegated EOA (address(this) is the EOA), it accepts an ERC-1271 signature when the EOA's own
/// key signed exactly the hash it is given. Wallet UIs sign the EIP-712 envelope
/// keccak256(0x1901 ‖ DOMAIN_SEPARATOR() ‖ hash) rather than the hash, which is why verifiers
/// retry ERC-1271 with that envelope when the plain hash is refused.
contract EnvelopeDelegate {
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    uint256 private constant HALF_ORDER =
        0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        return keccak256(abi.encode(
            DOMAIN_TYPEHASH, keccak256("EnvelopeDelegate"), keccak256("1"), block.chainid, address(this)));
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        if (signature.length != 65) return 0xffffffff;
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if (v < 27) v += 27;
        if (uint256(s) > HALF_ORDER) return 0xffffffff;
        address recovered = ecrecover(hash, v, r, s);
        return recovered != address(0) && recovered == address(this) ? bytes4(0x1626ba7e) : bytes4(0xffffffff);
    }

    receive() external payable {}
}
