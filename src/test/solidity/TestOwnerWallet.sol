// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// Test smart wallet controlled by one owner key, shaped like Coinbase Smart Wallet's ERC-1271:
/// the owner signs a "replay-safe" EIP-712 hash that binds the wallet address and block.chainid,
/// so a signature made for one chain is refused on another (which is what the wrong-chain
/// fallback has to cope with).
contract TestOwnerWallet {
    bytes32 private constant DOMAIN_TYPEHASH =
        keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
    bytes32 private constant MESSAGE_TYPEHASH = keccak256("TestWalletMessage(bytes32 hash)");
    uint256 private constant HALF_ORDER =
        0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    address public owner;

    constructor(address initialOwner) {
        owner = initialOwner;
    }

    function replaySafeHash(bytes32 hash) public view returns (bytes32) {
        bytes32 domain = keccak256(abi.encode(
            DOMAIN_TYPEHASH, keccak256("Tollgate Test Wallet"), keccak256("1"), block.chainid, address(this)));
        return keccak256(abi.encodePacked(hex"1901", domain, keccak256(abi.encode(MESSAGE_TYPEHASH, hash))));
    }

    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        return recover(replaySafeHash(hash), signature) == owner ? bytes4(0x1626ba7e) : bytes4(0xffffffff);
    }

    /// The owner makes the wallet call out, so a token transfer's `from` is the wallet itself
    /// (how a smart-wallet payer pays an ERC-20 checkout).
    function execute(address to, uint256 value, bytes calldata data) external returns (bytes memory result) {
        require(msg.sender == owner, "not owner");
        bool ok;
        (ok, result) = to.call{value: value}(data);
        if (!ok) {
            assembly { revert(add(result, 32), mload(result)) }
        }
    }

    function setOwner(address newOwner) external {
        require(msg.sender == owner, "not owner");
        owner = newOwner;
    }

    function recover(bytes32 digest, bytes calldata signature) internal pure returns (address) {
        if (signature.length != 65) return address(0);
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        if (v < 27) v += 27;
        if (uint256(s) > HALF_ORDER) return address(0);
        return ecrecover(digest, v, r, s);
    }
}

/// CREATE2 factory for TestOwnerWallet, so a wallet's address is known before it exists (ERC-6492).
contract TestOwnerWalletFactory {
    function createWallet(address owner, bytes32 salt) external returns (address wallet) {
        wallet = walletAddress(owner, salt);
        if (wallet.code.length == 0) {
            wallet = address(new TestOwnerWallet{salt: salt}(owner));
        }
    }

    function walletAddress(address owner, bytes32 salt) public view returns (address) {
        bytes32 initCodeHash = keccak256(abi.encodePacked(type(TestOwnerWallet).creationCode, abi.encode(owner)));
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, initCodeHash)))));
    }
}
