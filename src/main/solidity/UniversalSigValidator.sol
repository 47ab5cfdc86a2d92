// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.37;

// Universal signature validation as specified by ERC-6492 ("Signature Validation for Predeploy
// Contracts", https://eips.ethereum.org/EIPS/eip-6492; the EIP text is CC0-1.0). Written for
// Tollgate from the specification's "Verifier side" rules, not copied from its reference code:
//   1. a signature ending in the 32-byte magic 0x6492…6492 is abi.decoded as
//      (address factory, bytes factoryCalldata, bytes innerSignature); if the signer has no code,
//      the factory is called first so the wallet exists, then ERC-1271 is asked about the inner
//      signature; if the wallet already had code and says no, the factory call is treated as a
//      "prepare" transaction, executed, and ERC-1271 is asked once more;
//   2. otherwise, a signer with code is asked through ERC-1271;
//   3. otherwise, ecrecover (65 bytes, low s, v 27/28).
// Tollgate runs it without deploying anything: eth_call with no `to` and
// data = creation code of ValidateSigOffchain ‖ abi.encode(signer, hash, signature); the
// constructor returns a single byte, 0x01 (valid) or 0x00 (invalid).

/// The verdict logic, shared by the on-chain singleton and the deployless constructor.
abstract contract Erc6492Verification {
    bytes32 internal constant ERC6492_MAGIC =
        0x6492649264926492649264926492649264926492649264926492649264926492;
    bytes4 internal constant ERC1271_MAGIC = 0x1626ba7e;
    /// Passkey (P-256) validators need 200-330k gas; a million bounds a hostile wallet.
    uint256 internal constant ERC1271_GAS = 1_000_000;
    uint256 private constant HALF_ORDER =
        0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0;

    /// The factory (or prepare) call failed and the signer still has no code.
    error ERC6492DeployFailed(bytes reason);

    function _isValidSig(address signer, bytes32 hash, bytes memory signature) internal returns (bool) {
        if (_isWrapped(signature)) {
            (address factory, bytes memory factoryCalldata, bytes memory inner) = _unwrap(signature);
            bool hadCode = signer.code.length > 0;
            bytes memory failure;
            if (!hadCode) {
                failure = _callFactory(factory, factoryCalldata);
                if (signer.code.length == 0) revert ERC6492DeployFailed(failure);
                return _erc1271(signer, hash, inner);
            }
            // Deployed already: its current owners decide. Only if they refuse may the wrapper be
            // a pending "prepare" (migration) call, after which the wallet is asked again.
            if (_erc1271(signer, hash, inner)) return true;
            _callFactory(factory, factoryCalldata);
            return _erc1271(signer, hash, inner);
        }
        if (signer.code.length > 0) return _erc1271(signer, hash, signature);
        return _ecrecover(signer, hash, signature);
    }

    function _isWrapped(bytes memory signature) private pure returns (bool) {
        uint256 length = signature.length;
        if (length < 32) return false;
        bytes32 tail;
        assembly {
            tail := mload(add(signature, length))
        }
        return tail == ERC6492_MAGIC;
    }

    function _unwrap(bytes memory signature)
        private
        pure
        returns (address factory, bytes memory factoryCalldata, bytes memory inner)
    {
        // Decode in place by hiding the 32-byte suffix behind a shorter length word; abi.decode
        // copies the dynamic members out, and the length is put back afterwards.
        uint256 length = signature.length;
        assembly {
            mstore(signature, sub(length, 32))
        }
        (factory, factoryCalldata, inner) = abi.decode(signature, (address, bytes, bytes));
        assembly {
            mstore(signature, length)
        }
    }

    function _callFactory(address factory, bytes memory data) private returns (bytes memory failure) {
        (bool ok, bytes memory result) = factory.call(data);
        return ok ? bytes("") : result;
    }

    /// Only the exact ABI encoding of the magic value counts: 32 bytes, magic then zeros.
    function _erc1271(address signer, bytes32 hash, bytes memory signature) private view returns (bool) {
        (bool ok, bytes memory result) = signer.staticcall{gas: ERC1271_GAS}(
            abi.encodeWithSelector(ERC1271_MAGIC, hash, signature)
        );
        return ok && result.length == 32 && bytes32(result) == bytes32(ERC1271_MAGIC);
    }

    function _ecrecover(address signer, bytes32 hash, bytes memory signature) private pure returns (bool) {
        if (signature.length != 65 || signer == address(0)) return false;
        bytes32 r;
        bytes32 s;
        uint8 v;
        assembly {
            r := mload(add(signature, 32))
            s := mload(add(signature, 64))
            v := byte(0, mload(add(signature, 96)))
        }
        if (v < 27) v += 27;
        if ((v != 27 && v != 28) || uint256(s) > HALF_ORDER) return false;
        return ecrecover(hash, v, r, s) == signer;
    }
}

/// On-chain singleton form, for contracts that want universal validation (side effects allowed:
/// a counterfactual wallet really gets deployed).
contract UniversalSigValidator is Erc6492Verification {
    function isValidSigWithSideEffects(address signer, bytes32 hash, bytes calldata signature)
        external
        returns (bool)
    {
        return _isValidSig(signer, hash, signature);
    }
}

/// Deployless form: its creation code, followed by abi.encode(signer, hash, signature), is sent
/// as an eth_call without `to`; the constructor's return data (one byte) is the verdict.
contract ValidateSigOffchain is Erc6492Verification {
    constructor(address signer, bytes32 hash, bytes memory signature) {
        bool valid = _isValidSig(signer, hash, signature);
        assembly {
            mstore(0, valid)
            return(31, 1)
        }
    }
}
