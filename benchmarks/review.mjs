// The review (issue #18): `mlx-audit report` over a trail of a million events (the time, the
// memory, and the memory over a fifth of the events: bounded means the same), and `mlx-audit
// scan-logs` over application logs (megabytes and lines per second, memory).
import { Buffer } from 'node:buffer';
import { createWriteStream, mkdirSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { URL, fileURLToPath } from 'node:url';
import { MeasurementError, lastJsonLine, runNode } from './lib/measure.mjs';
import { REPOSITORY_DIR, WORK_DIR } from './lib/paths.mjs';
import { figure, progress, runScenario } from './lib/results.mjs';
import { benchSettings } from './lib/settings.mjs';

const DIRECTORY = join(WORK_DIR, 'review');
const TRAIL_WRITER = fileURLToPath(new URL('lib/monitor-trail-writer.mjs', import.meta.url));
const CLI = join(REPOSITORY_DIR, 'packages', 'cli', 'dist', 'cli.js');
/** Every MLX_AUDIT_* variable of the parent removed: each run sets what it uses. */
const NO_AUDIT_VARIABLES = Object.fromEntries(Object.keys(process.env).filter((name) => name.startsWith('MLX_AUDIT_')).map((name) => [name, undefined]));
const CLIENTS = 1_000;

/** A directory only its owner can use (the file sink refuses others). */
function privateDirectory(/** @type {string[]} */ ...parts) {
  const directory = join(DIRECTORY, ...parts);
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  return directory;
}

/** A real trail of `events` forward calls of the service's clients, written by the runtime's file sink. */
function writeTrail(/** @type {string} */ name, /** @type {number} */ events) {
  const directory = privateDirectory(name);
  const label = `a trail of ${events} forward calls of ${CLIENTS} clients`;
  progress(label);
  /** @type {{ lines: number }} */
  const written = lastJsonLine(runNode({ label, env: { ...NO_AUDIT_VARIABLES, MLX_AUDIT_SINK: 'off' }, args: [TRAIL_WRITER, String(events), String(CLIENTS), join(directory, 'audit.jsonl')] }), label);
  if (written.lines < events) throw new MeasurementError(`${label}: the trail holds ${written.lines} lines`);
  return { directory, lines: written.lines };
}

/** `mlx-audit report` as a user runs it; the page's size, and the verdict it printed checked. */
function report(/** @type {string} */ directory, /** @type {string} */ label) {
  const output = join(DIRECTORY, 'report.html');
  const run = runNode({ label, env: { ...NO_AUDIT_VARIABLES, MLX_AUDIT_SINK: 'off' }, args: [CLI, 'report', directory, '-o', output] });
  if (!/^mlx-audit report: The chain verified over \d+ lines/.test(run.stderr)) throw new MeasurementError(`${label}: the verdict is not an intact chain: ${run.stderr}`);
  return { ...run, bytes: statSync(output).size };
}

/**
 * 1. The report of a million events.
 * @param {ReturnType<typeof benchSettings>} settings
 * @param {string[]} notes
 */
function reportCost(settings, notes) {
  const { reviewReportEvents: events, reviewReportReps: reps } = settings;
  const small = writeTrail('small', events / 5);
  const smallRun = report(small.directory, `mlx-audit report over ${small.lines} lines`);
  rmSync(small.directory, { recursive: true, force: true });
  const large = writeTrail('large', events);
  /** @type {number[]} */
  const seconds = [];
  /** @type {number[]} */
  const rss = [];
  let bytes = 0;
  for (let rep = 0; rep < reps; rep++) {
    const label = `mlx-audit report over ${large.lines} lines, run ${rep + 1}`;
    progress(label);
    const run = report(large.directory, label);
    seconds.push(run.wallMs / 1000);
    rss.push(run.maxRssKb / 1024);
    bytes = run.bytes;
  }
  rmSync(large.directory, { recursive: true, force: true });
  notes.push(
    `\`review.report-seconds\` (the goal): \`mlx-audit report <directory> -o report.html\` as a user runs it, the process from start to exit (the chain verified on its own thread, every default rule, the tallies, the HTML page with its charts written), over a trail the runtime's file sink wrote (lib/monitor-trail-writer.mjs: ${large.lines} lines of forward calls of ${CLIENTS} clients, rotated at 256 MiB), ${reps} runs; each run's verdict checked (an intact chain). \`review.report-rss\`: the same runs' peak RSS; \`review.report-rss-small\`: over ${small.lines} lines (a fifth): what the report keeps is bounded (REPORT_LIMITS), and the peak grows less than the events (the garbage V8 lets accumulate before collecting it).`,
  );
  return [
    figure('review.report-seconds', `\`mlx-audit report\`, whole process, ${large.lines.toLocaleString('en')} lines`, 's', seconds),
    figure(
      'review.report-events-per-second',
      '`mlx-audit report`, whole process: lines per second',
      'lines/s',
      seconds.map((value) => large.lines / value),
    ),
    figure('review.report-rss', `\`mlx-audit report\`: peak RSS, ${large.lines.toLocaleString('en')} lines`, 'MB', rss),
    figure('review.report-rss-small', `\`mlx-audit report\`: peak RSS, ${small.lines.toLocaleString('en')} lines`, 'MB', [smallRun.maxRssKb / 1024]),
    figure('review.report-html-bytes', 'The HTML page (Chart.js inlined)', 'kB', [bytes / 1024]),
  ];
}

/** Lines of an application's log as its loggers write them: pino JSON, console text; one leak in a thousand. */
function logLine(/** @type {number} */ i) {
  const time = 1_780_000_000_000 + i * 7;
  switch (i % 4) {
    case 0:
      return `{"level":30,"time":${time},"pid":4242,"hostname":"svc-1","reqId":"req-${i.toString(36)}","msg":"request completed","res":{"statusCode":200},"responseTime":${(i % 97) / 10}}`;
    case 1:
      return `{"level":30,"time":${time},"pid":4242,"hostname":"svc-1","msg":"batch done","shape":[${i % 64},128],"dtype":"float32","loss":${((i % 1000) / 1000).toFixed(4)},"epoch":${i % 10}}`;
    case 2:
      return `${new Date(time).toISOString()} info: served prediction label=${i % 3} in ${(i % 50) + 1}ms model=sentiment-v2 request=${i.toString(16)}`;
    default:
      return i % 1000 === 3
        ? `{"level":50,"time":${time},"msg":"debug dump","logits":"array([[0.1234, -1.5, 2.25, 0.875, 0.5, 0.25, 0.125, 3.5]], dtype=float32)","user":"someone@example.com"}`
        : `{"level":40,"time":${time},"pid":4242,"msg":"slow call","binding":"nn.Module#forward","durationMs":${(i % 500) + 100},"sha256":"${(i * 2654435761).toString(16).padStart(16, '0').repeat(4)}"}`;
  }
}

/** Writes about `megabytes` of log lines to `file`; resolves to the lines written. */
async function writeLog(/** @type {string} */ file, /** @type {number} */ megabytes) {
  const stream = createWriteStream(file);
  let bytes = 0;
  let lines = 0;
  while (bytes < megabytes * 1024 * 1024) {
    const chunk = [];
    for (let k = 0; k < 1000; k++) chunk.push(logLine(lines++));
    const text = `${chunk.join('\n')}\n`;
    bytes += Buffer.byteLength(text);
    if (!stream.write(text)) await once(stream, 'drain');
  }
  stream.end();
  await once(stream, 'finish');
  return { lines, bytes };
}

/**
 * 2. The scan of an application's logs.
 * @param {ReturnType<typeof benchSettings>} settings
 * @param {string[]} notes
 */
async function scanCost(settings, notes) {
  const directory = privateDirectory('scan');
  const file = join(directory, 'app.log');
  const { lines, bytes } = await writeLog(file, settings.reviewScanMegabytes);
  const leaks = Math.floor((lines + 996) / 1000);
  /** @type {number[]} */
  const seconds = [];
  /** @type {number[]} */
  const rss = [];
  for (let rep = 0; rep < settings.reviewScanReps; rep++) {
    const label = `mlx-audit scan-logs over ${lines} lines, run ${rep + 1}`;
    progress(label);
    const run = runNode({ label, env: { ...NO_AUDIT_VARIABLES, MLX_AUDIT_SINK: 'off' }, args: [CLI, 'scan-logs', '--json', file], okCodes: [1] });
    const findings = run.stdout.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line));
    // Each planted line holds an array rendering and an e-mail address; nothing else is a finding.
    const planted = new Set(findings.map((finding) => finding.line));
    if (planted.size !== leaks || findings.some((finding) => finding.line % 1000 !== 4)) throw new MeasurementError(`${label}: ${findings.length} findings on ${planted.size} lines where ${leaks} planted lines were expected`);
    seconds.push(run.wallMs / 1000);
    rss.push(run.maxRssKb / 1024);
  }
  rmSync(directory, { recursive: true, force: true });
  notes.push(
    `\`review.scan-*\`: \`mlx-audit scan-logs --json <file>\`, the process from start to exit, over ${(bytes / 1024 ** 2).toFixed(0)} MB (${lines} lines) of an application's log (review.mjs \`logLine\`: pino request and training lines with losses, shapes and hashes, console text with ids, one line in a thousand leaking an MLX array rendering and an e-mail address), ${settings.reviewScanReps} runs; every run's findings checked: exactly the planted lines.`,
  );
  return [
    figure('review.scan-megabytes-per-second', '`mlx-audit scan-logs`, whole process: MB per second', 'MB/s', seconds.map((value) => bytes / 1024 ** 2 / value)),
    figure('review.scan-lines-per-second', '`mlx-audit scan-logs`, whole process: lines per second', 'lines/s', seconds.map((value) => lines / value)),
    figure('review.scan-rss', '`mlx-audit scan-logs`: peak RSS', 'MB', rss),
  ];
}

await runScenario('review', async ({ quick }, notes) => {
  const settings = benchSettings(quick);
  return [...reportCost(settings, notes), ...(await scanCost(settings, notes))];
});
