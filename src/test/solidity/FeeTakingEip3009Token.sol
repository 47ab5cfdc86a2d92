// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

/// Test helper: an EIP-3009 token (domain "Fee Coin", "1") whose transferWithAuthorization checks
/// the authorization like any other, uses it (AuthorizationUsed) and succeeds, but keeps 1 % for its
/// fee collector: the payee's Transfer is for less than was signed, and a second Transfer goes to the
/// collector. A facilitator that trusts the status alone reports the signed payment made; the
/// reference's receipt check reports invalid_exact_evm_transfer_event_mismatch.
contract FeeTakingEip3009Token {
    string public constant name = "Fee Coin";
    string public constant version = "1";
    uint8 public constant decimals = 6;
    address public constant feeCollector = address(uint160(0xFEE0));

    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(bytes32 => bool)) public authorizationState;

    bytes32 public constant TRANSFER_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );

    event Transfer(address indexed from, address indexed to, uint256 value);
    event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce);

    function DOMAIN_SEPARATOR() public view returns (bytes32) {
        return keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256(bytes(name)),
                keccak256(bytes(version)),
                block.chainid,
                address(this)
            )
        );
    }

    /// Anyone may mint: a test token.
    function mint(address to, uint256 value) external {
        balanceOf[to] += value;
        emit Transfer(address(0), to, value);
    }

    function transferWithAuthorization(
        address from, address to, uint256 value, uint256 validAfter, uint256 validBefore, bytes32 nonce,
        uint8 v, bytes32 r, bytes32 s
    ) external {
        require(block.timestamp > validAfter, "authorization not yet valid");
        require(block.timestamp < validBefore, "authorization expired");
        require(!authorizationState[from][nonce], "authorization used");
        authorizationState[from][nonce] = true;
        emit AuthorizationUsed(from, nonce);
        bytes32 structHash = keccak256(
            abi.encode(TRANSFER_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce)
        );
        bytes32 digest = keccak256(abi.encodePacked(hex"1901", DOMAIN_SEPARATOR(), structHash));
        address signer = ecrecover(digest, v, r, s);
        require(signer != address(0) && signer == from, "invalid signature");
        require(balanceOf[from] >= value, "balance");
        uint256 fee = value / 100;
        balanceOf[from] -= value;
        balanceOf[to] += value - fee;
        balanceOf[feeCollector] += fee;
        emit Transfer(from, to, value - fee);
        emit Transfer(from, feeCollector, fee);
    }
}
