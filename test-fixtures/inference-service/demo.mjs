// The demo: build the service with the mlx-audit transformer (tspc), run it on real MLX, show the
// audit trail it wrote, lint its sources with the mlx-audit ESLint plugin, verify the trail, and
// write the review report of the run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const tspc = join(dirname(require.resolve('ts-patch/package.json')), 'bin', 'tspc.js');
const heading = (text) => console.log(`\n== ${text} ==`);

heading('1. Build with the transformer (tspc -p tsconfig.audited.json)');
const build = spawnSync(process.execPath, [tspc, '-p', join(here, 'tsconfig.audited.json')], { encoding: 'utf8' });
if (build.status !== 0) {
  console.error(build.stdout, build.stderr);
  process.exit(1);
}
console.log('built dist-audited/');

heading('2. Run it on real MLX: train, save, reload, serve');
// The trail goes to stderr (shown below) and to a file (verified at the end); mkdtemp makes a 0700 directory.
const trailDirectory = mkdtempSync(join(tmpdir(), 'mlx-audit-demo-'));
const trailFile = join(trailDirectory, 'audit.jsonl');
const run = spawnSync(process.execPath, [join(here, 'dist-audited', 'main.js'), 'demo'], {
  encoding: 'utf8',
  env: { ...process.env, MLX_AUDIT_SINK: 'stderr,file', MLX_AUDIT_FILE: trailFile },
});
if (run.status !== 0) {
  console.error(run.stderr);
  process.exit(run.status ?? 1);
}
const result = JSON.parse(run.stdout.trim().split('\n').at(-1));
console.log(`training loss ${result.training.initialLoss.toFixed(4)} -> ${result.training.finalLoss.toFixed(4)}, reloaded model identical: ${result.reload.identical}`);
for (const prediction of result.predictions) console.log(`  ${JSON.stringify(prediction.prompt)} -> ${prediction.label}`);

heading('3. The audit trail (JSON lines on stderr, shown readably)');
const events = run.stderr.split('\n').filter((line) => line.includes('"event.action"')).map((line) => JSON.parse(line));
const byAction = new Map();
for (const event of events) byAction.set(event['event.action'], (byAction.get(event['event.action']) ?? 0) + 1);
const shown = new Set();
for (const event of events) {
  const action = event['event.action'];
  if (shown.has(action)) continue; // one example per binding; counts below
  shown.add(action);
  const args = (event['mlx.args'] ?? []).map((arg) => (arg.type === 'tensor' ? `tensor ${JSON.stringify(arg.shape)} ${arg.dtype}` : arg.type === 'path' ? arg.path : arg.type === 'weights' ? `${arg.count} weights` : arg.value ?? arg.type)).join(', ');
  const micros = Math.round(Number(event['event.duration'] ?? 0) / 1000);
  console.log(`${event['@timestamp']}  ${event['event.outcome'].padEnd(7)} ${action.padEnd(24)} ${String(micros).padStart(7)} µs  ${event['code.filepath']}:${event['code.lineno']} ${event['code.function'] ?? ''}  (${args})`);
}
console.log(`${events.length} events: ${[...byAction].map(([action, count]) => `${action} ×${count}`).join(', ')}`);
const written = readFileSync(trailFile, 'utf8');
const leaked = result.predictions.filter(({ prompt }) => run.stderr.includes(prompt) || written.includes(prompt));
console.log(leaked.length === 0 ? 'no prompt appears in the audit trail' : `LEAK: ${leaked.length} prompts in the audit trail`);

heading('4. One event as the runtime wrote it (a model call: shapes and dtypes, never contents)');
const forward = events.find((event) => event['event.action'] === 'nn.Module#forward');
console.log(JSON.stringify(forward, null, 2));

heading('5. Lint the sources: the recommended preset, with eslint.demo.config.js (the README\'s eslint.config.js)');
const eslint = new ESLint({ cwd: here, overrideConfigFile: 'eslint.demo.config.js' });
const findings = (await eslint.lintFiles(['src/**/*.ts'])).flatMap((file) =>
  file.messages.map((message) => `${relative(here, file.filePath)}:${message.line}:${message.column}  ${message.ruleId ?? ''}  ${message.message}`),
);
for (const finding of findings) console.log(finding);
// This service logs model output and runs model loads and inference without events on purpose, so
// the lint has something to find; test-fixtures/audited-service is written to pass every rule. The
// findings are reviewed (test-fixtures/no-tainted-log.snap.md, test-fixtures/tests/fixtures.test.ts).
const EXPECTED_FINDINGS = 5;
if (findings.length === EXPECTED_FINDINGS) {
  console.log(`${findings.length} findings, as expected: this service logs model output and runs model loads and inference without events on purpose; test-fixtures/audited-service passes every rule.`);
} else {
  console.log(`${findings.length} findings where ${EXPECTED_FINDINGS} were expected: the rules or the service changed; review them and update EXPECTED_FINDINGS in demo.mjs.`);
  process.exitCode = 1;
}

heading('6. Verify the trail the run wrote to a file (mlx-audit verify)');
const cli = join(here, '..', '..', 'packages', 'cli', 'dist', 'cli.js');
const verify = spawnSync(process.execPath, [cli, 'verify', trailDirectory], { encoding: 'utf8' });
process.stdout.write(verify.stdout.replaceAll(trailDirectory, '<trail>') + verify.stderr);
if (verify.status !== 0) process.exitCode = 1;

heading('7. The review report of this run (mlx-audit report, with the audit plan)');
// The plan of the build above (mlx-audit plan --json): the report lists the sites this run never
// exercised and any site seen that the plan does not list.
const planFile = join(mkdtempSync(join(tmpdir(), 'mlx-audit-demo-plan-')), 'plan.json');
const plan = spawnSync(process.execPath, [cli, 'plan', '-p', join(here, 'tsconfig.audited.json'), '--json'], { encoding: 'utf8', cwd: here });
if (plan.status !== 0) {
  console.error(plan.stderr);
  process.exit(1);
}
writeFileSync(planFile, plan.stdout);
const reportFile = join(here, 'demo-report.html');
const report = spawnSync(process.execPath, [cli, 'report', trailDirectory, '--plan', planFile, '-o', reportFile], { encoding: 'utf8' });
// The verdict, on stderr; the page's path, on stdout.
process.stdout.write(report.stderr.replaceAll(trailDirectory, '<trail>'));
if (report.status !== 0) process.exit(1);
console.log(`the report of this run: ${report.stdout.trim()}`);
rmSync(trailDirectory, { recursive: true, force: true });
rmSync(dirname(planFile), { recursive: true, force: true });
if (leaked.length > 0) process.exit(1);
