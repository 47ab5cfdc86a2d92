// Bundles the browser apps under a web source folder with esbuild and writes them, with hashed
// (long-cacheable) asset names, into the classpath output folder the service serves from.
//
//   node scripts/build/build-web.mjs <webSourceDir> <outDir> [--base /web]
//
// Layout: every folder of <webSourceDir> holding an index.html and a main.js is an app (shared/ is
// code the apps import). For app A the output is <outDir>/A/index.html (the page template, with the
// markers <!-- tollgate:styles --> and <!-- tollgate:scripts --> replaced by the hashed assets) and
// <outDir>/A/assets/<name>-<hash>.{js,css} plus a .gz of each; <outDir>/manifest.json lists them.
// Text in the template is {{text:KEY}}, filled from the app's English file (A/text/en.json): the
// page's words live there only, and a key it lacks fails the build.
// Budgets: <webSourceDir>/budgets.json maps an app to its JavaScript budget in KB gzipped (150 when
// not listed); the build fails when an app's JavaScript is over its budget.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import * as esbuild from 'esbuild';

const args = process.argv.slice(2);
const [sourceDir, outDir] = args;
const base = args.includes('--base') ? args[args.indexOf('--base') + 1] : '/web';
if (!sourceDir || !outDir) {
  console.error('usage: build-web.mjs <webSourceDir> <outDir> [--base /web]');
  process.exit(2);
}
const DEFAULT_BUDGET_KB = 150;

function listFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? listFiles(full) : [full];
  });
}

// Nothing changed since the last build (sources, this script, the installed tools): keep the output.
const inputs = [...listFiles(sourceDir), new URL(import.meta.url).pathname, 'package-lock.json'].filter((f) => fs.existsSync(f)).sort();
const fingerprint = inputs.map((f) => `${f}:${fs.statSync(f).mtimeMs}:${fs.statSync(f).size}`).join('\n');
const stamp = path.join(outDir, '.sources-stamp');
if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === fingerprint) process.exit(0);

const budgetsFile = path.join(sourceDir, 'budgets.json');
const budgets = fs.existsSync(budgetsFile) ? JSON.parse(fs.readFileSync(budgetsFile, 'utf8')) : {};
const apps = fs.existsSync(sourceDir)
  ? fs.readdirSync(sourceDir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && fs.existsSync(path.join(sourceDir, e.name, 'index.html'))
        && fs.existsSync(path.join(sourceDir, e.name, 'main.js')))
      .map((e) => e.name).sort()
  : [];

const escapeHtml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function fillText(app, template) {
  const file = path.join(sourceDir, app, 'text', 'en.json');
  const english = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  return template.replace(/\{\{text:([\w.]+)\}\}/g, (marker, key) => {
    if (typeof english[key] !== 'string') {
      console.error(`web: ${app}/index.html uses text key ${key}, which ${file} lacks`);
      process.exit(1);
    }
    return escapeHtml(english[key]);
  });
}

fs.rmSync(outDir, { recursive: true, force: true });
const manifest = { base, apps: {} };
const overBudget = [];
for (const app of apps) {
  const appOut = path.join(outDir, app);
  const assetsOut = path.join(appOut, 'assets');
  const result = await esbuild.build({
    entryPoints: [path.join(sourceDir, app, 'main.js')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    platform: 'browser',
    outdir: assetsOut,
    entryNames: '[name]-[hash]',
    assetNames: '[name]-[hash]',
    loader: { '.json': 'json', '.svg': 'file', '.woff2': 'file' },
    legalComments: 'none',
    metafile: true,
    logLevel: 'error',
  });
  const assets = Object.keys(result.metafile.outputs).map((f) => path.relative(appOut, f).split(path.sep).join('/')).sort();
  let jsGzipped = 0;
  for (const asset of assets) {
    const bytes = fs.readFileSync(path.join(appOut, asset));
    const gz = zlib.gzipSync(bytes, { level: 9 });
    fs.writeFileSync(path.join(appOut, asset + '.gz'), gz);
    if (asset.endsWith('.js')) jsGzipped += gz.length;
  }
  const url = (asset) => `${base}/${app}/${asset}`;
  const styles = assets.filter((a) => a.endsWith('.css')).map((a) => `<link rel="stylesheet" href="${url(a)}">`).join('\n');
  const scripts = assets.filter((a) => a.endsWith('.js')).map((a) => `<script src="${url(a)}" defer></script>`).join('\n');
  const html = fillText(app, fs.readFileSync(path.join(sourceDir, app, 'index.html'), 'utf8'))
    .replace('<!-- tollgate:styles -->', styles)
    .replace('<!-- tollgate:scripts -->', scripts);
  fs.writeFileSync(path.join(appOut, 'index.html'), html);
  const budgetKb = budgets[app] ?? DEFAULT_BUDGET_KB;
  manifest.apps[app] = { html: `${app}/index.html`, assets: assets.map((a) => `${app}/${a}`), jsGzippedBytes: jsGzipped, budgetKb };
  console.log(`web: ${app}: ${assets.length} assets, JavaScript ${(jsGzipped / 1024).toFixed(1)} KB gzipped (budget ${budgetKb} KB)`);
  if (jsGzipped > budgetKb * 1024) overBudget.push(`${app}: ${(jsGzipped / 1024).toFixed(1)} KB > ${budgetKb} KB`);
}
if (overBudget.length > 0) {
  console.error(`web: JavaScript over budget (gzipped): ${overBudget.join('; ')}`);
  fs.rmSync(outDir, { recursive: true, force: true }); // no over-budget page ships, and the next build tries again
  process.exit(1);
}
fs.mkdirSync(outDir, { recursive: true });
fs.writeFileSync(path.join(outDir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
fs.writeFileSync(stamp, fingerprint);
