#!/usr/bin/env node
// CI: the packages as a user gets them. Packs every package, checks each tarball with publint
// (--strict) and arethetypeswrong (ESM-only profile), then installs the tarballs into a fresh
// project outside the workspace, once with npm and once with pnpm, running the README's lines as
// written (they are read from README.md, at its `<!-- install-check: … -->` markers). In each
// project: lint with the README's eslint.config.js, build with tspc and with `mlx-audit build`, run
// on real MLX, plan, write a trail to a file, `mlx-audit verify`, `detect` and `report` it, export the Sigma
// rules, `scan-logs` a log; then with TypeScript 7 installed, each tool must refuse it in one line instead of crashing; then a production install (no dev dependencies) must still run the program.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const ts = createRequire(import.meta.url)('typescript');
const BIN = join(ROOT, 'node_modules', '.bin');
const MARKER = 'PROMPT-MARKER-4f1c9a';
const TS7_LINE = /^mlx-audit: TypeScript 7\.\d+\.\d+ is not supported by mlx-audit, which needs >=5\.4 <6\.1 \(the JavaScript compiler API\): install typescript@~6\.0$/;
// The findings the README's eslint.config.js must report on .ci/installed-app, and no others.
const EXPECTED_FINDINGS = ['src/generate.ts:7 mlx-audit/require-mlx-event-logging', 'src/main.ts:11 mlx-audit/no-tainted-log', 'src/main.ts:14 mlx-audit/no-tainted-log'];

let failures = 0;

/** The fenced blocks that follow `<!-- install-check: name -->` in the README, in order. */
function readmeBlocks(name) {
  const pattern = new RegExp(`<!-- install-check: ${name} -->\\s*\`\`\`[a-z]*\\n([\\s\\S]*?)\`\`\``, 'g');
  const blocks = [...README.matchAll(pattern)].map((match) => match[1]);
  if (blocks.length === 0) throw new Error(`README.md has no block marked <!-- install-check: ${name} -->`);
  return blocks;
}

/** The command lines of the marked shell blocks, comments and blank lines left out. */
function readmeCommands(name) {
  return readmeBlocks(name)
    .flatMap((block) => block.split('\n'))
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function check(condition, what, details = '') {
  if (condition) {
    console.log(`  ok    ${what}`);
  } else {
    failures += 1;
    console.log(`  FAIL  ${what}${details === '' ? '' : `\n${details.replace(/^/gm, '        ')}`}`);
  }
}

/** Runs a shell command line in `cwd`; a status other than `expected` is a failure. */
function sh(cwd, line, expected = 0) {
  // `expected` null: any status will do (the caller checks it).
  console.log(`$ ${line}`);
  const result = spawnSync('bash', ['-c', line], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (expected !== null && result.status !== expected) {
    check(false, `exit status ${String(result.status)} (expected ${expected}) of: ${line}`, `${result.stdout}\n${result.stderr}`.trim().slice(-4000));
  }
  return result;
}

function parseJsonc(text, what) {
  const parsed = ts.parseConfigFileTextToJson(what, text);
  if (parsed.error !== undefined) throw new Error(`README.md: the ${what} block is not JSON: ${ts.flattenDiagnosticMessageText(parsed.error.messageText, ' ')}`);
  return parsed.config;
}

/** The project a user has before adding mlx-audit: MLX, Node's types, the sources. */
function createApp(work, manager) {
  const app = join(work, `app-${manager}`);
  mkdirSync(app);
  cpSync(join(ROOT, '.ci', 'installed-app', 'src'), join(app, 'src'), { recursive: true });
  writeFileSync(join(app, 'package.json'), `${JSON.stringify({ name: `installed-app-${manager}`, private: true, type: 'module' }, null, 2)}\n`);
  const tsconfig = parseJsonc(readmeBlocks('tsconfig')[0], 'tsconfig.json');
  tsconfig.compilerOptions.plugins = parseJsonc(readmeBlocks('transformer-tsconfig')[0], 'tsconfig.json').compilerOptions.plugins;
  tsconfig.include = ['src'];
  writeFileSync(join(app, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`);
  writeFileSync(join(app, 'eslint.config.js'), readmeBlocks('eslint-config')[0]);
  if (manager === 'npm') {
    // MLX's install script only downloads the binary its Linux tarball already has (from GitHub).
    sh(app, 'npm install --ignore-scripts --no-audit --no-fund @frost-beta/mlx@0.0.7 && npm install --no-audit --no-fund --save-dev @types/node@^20');
  } else {
    writeFileSync(join(app, 'pnpm-workspace.yaml'), `allowBuilds:\n  '@frost-beta/mlx': false\n${readmeBlocks('pnpm-workspace')[0]}`);
    sh(app, 'pnpm add @frost-beta/mlx@0.0.7 && pnpm add -D @types/node@^20');
  }
  return app;
}

function lintFindings(app) {
  const result = sh(app, 'npx eslint . -f json', 1);
  let reports = [];
  try {
    reports = JSON.parse(result.stdout);
  } catch {
    check(false, 'eslint -f json prints JSON', result.stdout.slice(0, 2000));
  }
  return reports.flatMap((report) => report.messages.map((message) => `${report.filePath.slice(app.length + 1)}:${message.line} ${message.ruleId}`)).sort();
}

function checkInstalled(app, manager) {
  console.log(`\n## ${manager}: the README's lines`);
  const lines = manager === 'npm' ? readmeCommands('npm') : readmeCommands('pnpm');
  for (const line of lines) sh(app, line);
  const tsPatch = JSON.parse(readFileSync(join(app, 'node_modules', 'ts-patch', 'package.json'), 'utf8')).version;
  check(tsPatch.startsWith('4.'), `${manager} installed ts-patch 4 (${tsPatch}), the tested major`);
  const typescript = JSON.parse(readFileSync(join(app, 'node_modules', 'typescript', 'package.json'), 'utf8')).version;
  check(typescript.startsWith('6.0.'), `${manager} installed TypeScript 6.0 (${typescript})`);

  console.log(`\n## ${manager}: lint, build, run, plan`);
  const findings = lintFindings(app);
  check(JSON.stringify(findings) === JSON.stringify(EXPECTED_FINDINGS), 'eslint reports the planted findings, and only those', findings.join('\n'));

  sh(app, 'npx tspc -p tsconfig.json');
  check(readFileSync(join(app, 'dist', 'main.js'), 'utf8').includes('@mlx-audit/runtime/instrument'), 'tspc emits instrumented code');
  rmSync(join(app, 'dist'), { recursive: true });
  const build = sh(app, 'npx mlx-audit build -p tsconfig.json');
  check(build.stdout === '' && build.stderr === '', 'mlx-audit build prints nothing on success', build.stdout + build.stderr);
  checkRun(app, 'the built program');

  const plan = sh(app, 'npx mlx-audit plan -p tsconfig.json --json');
  let parsed = {};
  try {
    parsed = JSON.parse(plan.stdout);
  } catch {
    check(false, 'mlx-audit plan --json prints JSON', plan.stdout.slice(0, 2000));
  }
  check(parsed.found >= 6 && parsed.instrumented === parsed.found, `mlx-audit plan finds and instruments the call sites (${String(parsed.found)} found, ${String(parsed.instrumented)} instrumented)`);
  const trail = checkTrail(app);

  console.log(`\n## ${manager}: TypeScript 7 installed`);
  sh(app, manager === 'npm' ? 'npm install --no-audit --no-fund --save-dev --legacy-peer-deps typescript@7' : 'pnpm add -D typescript@7');
  const lint = sh(app, 'npx eslint .', 2);
  const lintOutput = lint.stdout + lint.stderr;
  check(lintOutput.split('\n').some((line) => TS7_LINE.test(line)) && !/\n\s+at /.test(lintOutput), 'eslint says in one line that TypeScript 7 is unsupported, without a stack', lintOutput);
  for (const command of ['npx mlx-audit build -p tsconfig.json', 'npx mlx-audit plan -p tsconfig.json']) {
    const refused = sh(app, command, 2);
    check(refused.stdout === '' && TS7_LINE.test(refused.stderr.replace(/\n$/, '')), `${command.split(' ').slice(1, 3).join(' ')} says so in one line`, refused.stdout + refused.stderr);
  }
  const verifiedWithoutTypeScript = sh(app, `npx mlx-audit verify ${trail}`);
  check(/^intact: /m.test(verifiedWithoutTypeScript.stdout), 'mlx-audit verify needs no working TypeScript', verifiedWithoutTypeScript.stdout + verifiedWithoutTypeScript.stderr);
  // ts-patch itself crashes under TypeScript 7, before the transformer loads: `mlx-audit build`
  // exists for that. The crash must at least fail the build, never emit uninstrumented code.
  rmSync(join(app, 'dist'), { recursive: true, force: true });
  const tspc = sh(app, 'npx tspc -p tsconfig.json', null);
  check(tspc.status !== 0 && !existsSync(join(app, 'dist', 'main.js')), 'tspc under TypeScript 7 fails the build (inside ts-patch) and emits nothing');

  console.log(`\n## ${manager}: production install`);
  sh(app, manager === 'npm' ? 'npm install --no-audit --no-fund --save-dev typescript@~6.0 && npx mlx-audit build -p tsconfig.json' : 'pnpm add -D typescript@~6.0 && npx mlx-audit build -p tsconfig.json');
  sh(app, manager === 'npm' ? 'npm prune --omit=dev --no-audit --no-fund' : 'pnpm prune --prod');
  check(!existsSync(join(app, 'node_modules', 'typescript')) && !existsSync(join(app, 'node_modules', '@mlx-audit', 'transformer')), 'the dev dependencies are gone');
  checkRun(app, 'the built program, installed without dev dependencies,');
}

/** The program writes its trail to a file; `mlx-audit verify` says it is intact. Returns the trail's directory. */
function checkTrail(app) {
  const directory = join(app, 'trail');
  mkdirSync(directory, { mode: 0o700 });
  sh(app, `MLX_AUDIT_SINK=file MLX_AUDIT_FILE=${join(directory, 'audit.jsonl')} node dist/main.js ${MARKER}`);
  const text = readFileSync(join(directory, 'audit.jsonl'), 'utf8');
  check(text.includes('"event.hash"') && !text.includes(MARKER), 'the file sink writes a chained trail, without the prompt');
  const verified = sh(app, `npx mlx-audit verify ${directory}`);
  check(/^intact: /m.test(verified.stdout), 'mlx-audit verify says the trail is intact', verified.stdout + verified.stderr);
  // The monitor's rules over the same trail: a clean run raises nothing; the Sigma export writes its files (its YAML writer installed with the CLI).
  const detected = sh(app, `npx mlx-audit detect ${directory}`);
  check(/^no alert: /m.test(detected.stdout), 'mlx-audit detect finds no alert in a clean run', detected.stdout + detected.stderr);
  const sigma = join(app, 'sigma-rules');
  sh(app, `npx mlx-audit rules --sigma ${sigma}`);
  check(existsSync(join(sigma, 'README.md')) && readFileSync(join(sigma, 'mlx_audit_auditing_gap_dropped.yml'), 'utf8').includes('mlx-audit.dropped'), 'mlx-audit rules --sigma writes the Sigma rules');
  // The review report: its charting library and sketches installed with the CLI, the page self-contained.
  const page = join(app, 'report.html');
  const reported = sh(app, `npx mlx-audit report ${directory} -o ${page}`);
  check(reported.stdout.trim() === page && /The chain verified/.test(reported.stderr) && readFileSync(page, 'utf8').includes('Chart'), 'mlx-audit report writes the page', reported.stdout + reported.stderr);
  // The scan of an application's own logs: a clean line gives no finding (exit 0).
  writeFileSync(join(app, 'app.log'), `${new Date().toISOString()} info: served request id=42 in 3ms\n`);
  const scanned = sh(app, `npx mlx-audit scan-logs ${join(app, 'app.log')}`);
  check(scanned.status === 0, 'mlx-audit scan-logs finds nothing in a clean log', scanned.stdout + scanned.stderr);
  return directory;
}

function checkRun(app, what) {
  const run = sh(app, `node dist/main.js ${MARKER}`);
  const lines = run.stderr.split('\n').filter((line) => line !== '');
  const events = lines.flatMap((line) => {
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
  check(events.length === lines.length && events.length > 0, `${what} writes JSON audit events on stderr`, run.stderr.slice(0, 2000));
  const bindings = new Set(events.map((event) => event['mlx.binding']));
  check(bindings.has('nn.Module#forward') && bindings.has('core.eval'), `${what} audits inference and evaluation on real MLX`, [...bindings].join(', '));
  check(!run.stderr.includes(MARKER), `${what} keeps the prompt out of the audit trail`);
  check(run.stdout.includes('reply'), `${what} still does what it did`, run.stdout);
}

const work = mkdtempSync(join(tmpdir(), 'mlx-audit-installed-'));
try {
  const tarballs = join(work, 'mlx-audit-tarballs');
  console.log('## packing');
  sh(ROOT, `pnpm -r --filter "./packages/**" pack --pack-destination ${tarballs}`);
  const packed = readdirSync(tarballs).filter((file) => file.endsWith('.tgz')).sort();
  const named = [...new Set([...readmeCommands('npm').join(' ').matchAll(/mlx-audit-tarballs\/([\w.-]+\.tgz)/g)].map((match) => match[1]))].sort();
  check(JSON.stringify(packed) === JSON.stringify(named), 'the README names every tarball packed, by its file name', `packed: ${packed.join(' ')}\nnamed: ${named.join(' ')}`);
  for (const tarball of packed) {
    sh(ROOT, `${BIN}/publint run --strict ${join(tarballs, tarball)}`);
    sh(ROOT, `${BIN}/attw --profile esm-only --format ascii ${join(tarballs, tarball)}`);
  }
  for (const manager of ['npm', 'pnpm']) checkInstalled(createApp(work, manager), manager);
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failures > 0) {
  console.log(`\n${failures} check(s) failed`);
  process.exit(1);
}
console.log('\nthe packages install, lint, build, run and plan as the README says');
