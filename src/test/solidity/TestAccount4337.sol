// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

import "@account-abstraction/contracts/core/BaseAccount.sol";
import "@account-abstraction/contracts/core/Helpers.sol";
// Compiled from its published source so a test can deploy the real EntryPoint v0.8.
import "@account-abstraction/contracts/core/EntryPoint.sol";

/// Test ERC-4337 smart account with one owner key: user operations are valid when the owner signed
/// their hash, and ERC-1271 signatures when the owner signed the hash (so the payer binding can
/// prove the account as it proves any smart wallet). Pays out through BaseAccount.execute, which
/// only the EntryPoint may call.
contract TestAccount4337 is BaseAccount {
    uint256 private constant HALF_ORDER =
        0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    IEntryPoint private immutable ENTRY_POINT;
    address public immutable owner;

    constructor(IEntryPoint entryPointAddress, address ownerAddress) {
        ENTRY_POINT = entryPointAddress;
        owner = ownerAddress;
    }

    function entryPoint() public view override returns (IEntryPoint) {
        return ENTRY_POINT;
    }

    function _validateSignature(PackedUserOperation calldata userOp, bytes32 userOpHash)
        internal view override returns (uint256) {
        return recover(userOpHash, userOp.signature) == owner ? SIG_VALIDATION_SUCCESS : SIG_VALIDATION_FAILED;
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        return recover(hash, signature) == owner ? bytes4(0x1626ba7e) : bytes4(0xffffffff);
    }

    receive() external payable {}

    function recover(bytes32 digest, bytes calldata signature) internal pure returns (address) {
        if (signature.length != 65) return address(0);
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if (v < 27) v += 27;
        if (uint256(s) > HALF_ORDER) return address(0);
        address signer = ecrecover(digest, v, r, s);
        return signer;
    }
}
