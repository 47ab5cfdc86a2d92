// Compiles every .sol file under a source folder with solc-js (standard JSON, offline)
// and writes one JSON artifact per contract: { contractName, abi, bytecode, deployedBytecode }.
// Usage: node scripts/build/compile-contracts.mjs <sourceDir> <outDir>
// Imports of npm packages (`import "@account-abstraction/contracts/core/EntryPoint.sol"`) are read
// from node_modules, so published sources (the ERC-4337 EntryPoint) compile like our own; every
// contract with bytecode in them gets an artifact too.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const [sourceDir, outDir] = process.argv.slice(2);
if (!sourceDir || !outDir) {
  console.error('usage: compile-contracts.mjs <sourceDir> <outDir>');
  process.exit(2);
}

function listSources(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listSources(full);
    return entry.name.endsWith('.sol') ? [full] : [];
  });
}

const files = listSources(sourceDir);
const stamp = path.join(outDir, '.sources-stamp');
const fingerprint = files
  .map((f) => `${f}:${fs.statSync(f).mtimeMs}:${fs.statSync(f).size}`)
  .join('\n');
if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === fingerprint) {
  process.exit(0); // nothing changed since the last build
}

const solc = require('solc');
const input = {
  language: 'Solidity',
  sources: Object.fromEntries(
    files.map((f) => [path.relative(sourceDir, f), { content: fs.readFileSync(f, 'utf8') }]),
  ),
  settings: {
    evmVersion: 'prague',
    optimizer: { enabled: true, runs: 200 },
    outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
  },
};

function findImports(importPath) {
  const inNodeModules = path.join('node_modules', importPath);
  if (!importPath.startsWith('.') && fs.existsSync(inNodeModules)) {
    return { contents: fs.readFileSync(inNodeModules, 'utf8') };
  }
  return { error: `import not found: ${importPath}` };
}

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
// Warnings in published packages' sources are theirs, not ours to fix: errors only from them.
for (const e of output.errors || []) {
  const file = e.sourceLocation ? e.sourceLocation.file : '';
  if (e.severity === 'error' || !file.startsWith('@')) console.error(e.formattedMessage);
}
if (errors.length > 0) process.exit(1);

fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
for (const [, contracts] of Object.entries(output.contracts || {})) {
  for (const [name, c] of Object.entries(contracts)) {
    if (!c.evm.bytecode.object) continue; // interfaces and abstract contracts
    const artifact = {
      contractName: name,
      abi: c.abi,
      bytecode: '0x' + c.evm.bytecode.object,
      deployedBytecode: '0x' + c.evm.deployedBytecode.object,
    };
    fs.writeFileSync(path.join(outDir, `${name}.json`), JSON.stringify(artifact, null, 1));
  }
}
fs.writeFileSync(stamp, fingerprint);
console.log(`compiled ${files.length} Solidity file(s) from ${sourceDir} (solc ${solc.version()})`);
