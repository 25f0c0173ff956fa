import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOG_FINDING_KINDS, LogFileError, MAX_EXCERPT_CHARS, MAX_LINE_BYTES, scanLine, scanLogFiles, type LogFinding, type LogFindingKind } from '../src/scan-logs/index.js';
import { mlxAudit, type CliResult } from './run-cli.js';

// `mlx-audit scan-logs`: logs written by real loggers (pino, winston, console) from a program that
// leaks on purpose (every planted leak found, of its kind, on its line, and nothing else; nothing
// it found printed again), a clean log of the same loggers (no finding), then the detectors one by
// one on lines written here: what each finds and what it must not, redaction, pathological lines.

const LEAKY_APP = fileURLToPath(new URL('./scan-logs/leaky-app.mjs', import.meta.url));
/** The built command, run as its own program (whether or not run.ts lists it yet). */

/** A leak the program planted: its marker is on the line the leak begins on. */
interface Plant {
  readonly marker: string;
  readonly kind: LogFindingKind;
  readonly file: string;
  /** What was leaked: never to be printed by the scanner. */
  readonly secrets: readonly string[];
}

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mlx-audit-scan-logs-'));
  chmodSync(work, 0o700);
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Runs the leaky program in `mode`: its loggers' files, its stdout and stderr in a directory of their own. */
function writeLogs(mode: 'leaks' | 'clean'): { directory: string; plants: Plant[] } {
  const directory = join(work, mode);
  mkdirSync(directory);
  const manifest = join(work, `${mode}.json`);
  const stdout = openSync(join(directory, 'stdout.log'), 'w');
  const stderr = openSync(join(directory, 'stderr.log'), 'w');
  try {
    const result = spawnSync(process.execPath, [LEAKY_APP, directory, mode, manifest], { stdio: ['ignore', stdout, stderr], timeout: 60_000 });
    expect(result.status).toBe(0);
  } finally {
    closeSync(stdout);
    closeSync(stderr);
  }
  return { directory, plants: JSON.parse(readFileSync(manifest, 'utf8')) as Plant[] };
}

function scanLogs(args: readonly string[]): CliResult {
  return mlxAudit(work, ['scan-logs', ...args]);
}

async function findingsIn(paths: readonly string[]): Promise<LogFinding[]> {
  const findings: LogFinding[] = [];
  await scanLogFiles(paths, (finding) => findings.push(finding));
  return findings;
}

/** The 1-based line of `file` that holds `marker`, which must be on one line only. */
function markerLine(file: string, marker: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found = lines.flatMap((line, index) => (line.includes(marker) ? [index + 1] : []));
  expect(found, `${marker} in ${file}`).toHaveLength(1);
  return found[0] ?? 0;
}

describe('mlx-audit scan-logs on the logs of a program that leaks on purpose', () => {
  let leaks: { directory: string; plants: Plant[] };
  let findings: LogFinding[];
  beforeAll(async () => {
    leaks = writeLogs('leaks');
    findings = await findingsIn([leaks.directory]);
  });

  it('finds every planted leak, of its kind, in its file, on its line, and nothing else', () => {
    expect(leaks.plants.length).toBeGreaterThanOrEqual(30);
    // Every kind is planted, through more than one logger for most.
    expect(new Set(leaks.plants.map((plant) => plant.kind))).toEqual(new Set(LOG_FINDING_KINDS));
    const planted = leaks.plants.map((plant) => `${plant.file}:${markerLine(join(leaks.directory, plant.file), plant.marker)} ${plant.kind} (${plant.marker})`);
    const lineMarkers = new Map(leaks.plants.map((plant) => [`${plant.file}:${markerLine(join(leaks.directory, plant.file), plant.marker)}`, plant.marker]));
    const found = findings.map((finding) => `${basename(finding.file)}:${finding.line} ${finding.kind} (${lineMarkers.get(`${basename(finding.file)}:${finding.line}`) ?? 'not planted'})`);
    expect(found.sort()).toEqual(planted.sort());
  });

  it('shows each finding with its line redacted: the placeholder of its kind, never a leaked value', () => {
    const secrets = leaks.plants.flatMap((plant) => plant.secrets);
    expect(secrets.length).toBeGreaterThan(60);
    for (const finding of findings) {
      expect(finding.excerpt).toContain(`[REDACTED:${finding.kind}]`);
      expect(finding.excerpt.length).toBeLessThanOrEqual(MAX_EXCERPT_CHARS + 2);
      // The marker is context, and stays readable.
      expect(finding.excerpt).toMatch(/LEAK-\d\d/);
      for (const secret of secrets) expect(finding.excerpt).not.toContain(secret);
    }
  });

  it('prints the findings for people and as JSON without a leaked value or a raw control character; exit 1', () => {
    const secrets = leaks.plants.flatMap((plant) => plant.secrets);
    const human = scanLogs([leaks.directory]);
    expect(human.stderr).toBe('');
    expect(human.status).toBe(1);
    const lines = human.stdout.trimEnd().split('\n');
    expect(lines.slice(0, -1)).toEqual(findings.map((finding) => `${finding.file}:${finding.line}  ${finding.kind}  ${finding.excerpt}`));
    expect(lines.at(-1)).toMatch(/^35 findings \(6 mlx-array, 3 float-run, 2 token-ids, 6 prompt, 6 api-key, 3 bearer-token, 4 email, 5 ip-address\): 5 files, \d+ lines scanned$/);

    const json = scanLogs(['--json', leaks.directory]);
    expect(json.stderr).toBe('');
    expect(json.status).toBe(1);
    const objects = json.stdout
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const object of objects) expect(Object.keys(object)).toEqual(['file', 'line', 'kind', 'excerpt']);
    expect(objects).toEqual(findings.map((finding) => ({ ...finding })));

    for (const output of [human.stdout, json.stdout]) {
      for (const secret of secrets) expect(output).not.toContain(secret);
      // The ANSI colours and the carriage return planted around a key are written out.
      expect(output).not.toContain('\u001b');
      expect(output).not.toContain('\r');
    }
    expect(human.stdout).toContain(String.raw`\u001b[31mLEAK-32\u001b[0m key [REDACTED:api-key]\u000dfake line`);
  });

  it('finds nothing in the clean logs of the same loggers (metrics, shapes, ids, hashes, versions, addresses of no host): exit 0', async () => {
    const clean = writeLogs('clean');
    expect(await findingsIn([clean.directory])).toEqual([]);
    const result = scanLogs([clean.directory]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^no finding: 5 files, \d+ lines scanned\n$/);
    expect(scanLogs(['--json', clean.directory])).toEqual({ status: 0, stdout: '', stderr: '' });
  });
});

/** The kinds scanLine finds in `text`, by line. */
function kindsIn(text: string): string[] {
  return scanLine(text).map((finding) => (finding.line === 1 ? finding.kind : `${finding.kind}@${finding.line}`));
}

describe('scanLine: what each kind finds', () => {
  const FOUND: readonly (readonly [string, readonly string[]])[] = [
    ['array([[1.26887, -0.156791], [0.429088, -0.651648]], dtype=float32)', ['mlx-array']],
    ['array([1, 2, 3], dtype=int32)', ['mlx-array']],
    ['array(3.5, dtype=float32)', ['mlx-array']],
    ['array([true, false], dtype=bool)', ['mlx-array']],
    ['{"msg":"array([[0.5, 0.25],\\n       [0.125, 1.5]], dtype=bfloat16)"}', ['mlx-array']],
    ['weights [0.12, -0.5, 1.25, 3.5, 0.001, 2.75, -1.5, 0.33]', ['float-run']],
    ['{"v":[[0.1,0.2,0.3,0.4],[0.5,0.6,0.7,0.8]]}', ['float-run']],
    ['probs 1e-05 2.5e-3 0.5 0.25 0.125 0.0625 0.03125 0.015625', ['float-run']],
    ['{"tokens":[15496,11,995,318]}', ['token-ids']],
    ['input_ids=[101, 7592, 2088, 102]', ['token-ids']],
    [`ids ${JSON.stringify(Array.from({ length: 16 }, (_, index) => 1000 + index * 37))}`, ['token-ids']],
    ['{"model":"m","prompt":"hello"}', ['prompt']],
    ['{"prompt":"hello","modelId":"m"}', ['prompt']],
    ['{"model.name":"m","output":"Paris is the capital"}', ['prompt']],
    ['{"mlx":{"device":"cpu"},"text":"some text"}', ['prompt']],
    ['{"model":"m","messages":[{"role":"user","content":"hi"}]}', ['prompt']],
    ['{"model":"m","inputs":["first","second"]}', ['prompt']],
    ["{ model: 'tiny', prompt: 'hi there' }", ['prompt']],
    ['model=tiny prompt="hello world" level=info', ['prompt']],
    ['model: tiny, prompt: tell me everything', ['prompt']],
    ['key sk-proj-abcdefghijklmnopqrstuvwx1234', ['api-key']],
    ['AKIAIOSFODNN7EXAMPLE', ['api-key']],
    ['ghp_abcdefghijklmnopqrstuvwxyz0123456789', ['api-key']],
    ['HF_TOKEN=hf_abcdefghijklmnopqrstuvwxyz0123456', ['api-key']],
    ['xoxb-123456789012-abcdefghij', ['api-key']],
    ['AIzaSyA-abcdefghijklmnopqrstuvwxyz012345', ['api-key']],
    ['{"password":"hunter22"}', ['api-key']],
    ['OPENAI_API_KEY=abc123def456', ['api-key']],
    ['{"client_secret":"Zm9vYmFyYmF6"}', ['api-key']],
    ['-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----', ['api-key']],
    ['Authorization: Bearer abc123.def456', ['bearer-token']],
    ['{"authorization":"Basic dXNlcjpwYXNz"}', ['bearer-token']],
    ['token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl', ['bearer-token']],
    ['curl -H "authorization: Bearer sk-proj-abcdefghijklmnopqrstuvwx1234"', ['bearer-token']],
    ['mail alice@example.com', ['email']],
    ['"user":"first.last+tag@mail.example.co.uk"', ['email']],
    ['from 203.0.113.7', ['ip-address']],
    ['client=10.1.2.3:8080', ['ip-address']],
    ['peer [2001:db8::42]:443', ['ip-address']],
    ['"ip":"::ffff:198.51.100.4"', ['ip-address']],
    ['fe80::1ff:fe23:4567:890a%eth0', ['ip-address']],
    ['user bob@example.org from 198.51.100.9', ['email', 'ip-address']],
  ];
  it.each(FOUND)('%s', (text, kinds) => {
    expect(kindsIn(text)).toEqual(kinds);
  });
});

describe('scanLine: what is not a finding', () => {
  const CLEAN: readonly string[] = [
    'epoch 3/10 loss 0.42 accuracy 0.91 lr 0.001',
    'step 300 | loss 0.4213 | grad_norm 1.23 | tokens/s 812.5',
    '{"epoch":3,"loss":0.42,"val_loss":0.45,"accuracy":0.91,"lr":0.0001}',
    'shape [806, 8] dtype float32',
    '{"shape":[1,3,224,224],"dtype":"float32"}',
    'Tensor(shape=[2, 3], dtype=float32)',
    '{"model":"m","output":{"shape":[1,2],"dtype":"float32"}}',
    '{"model":"m","output":"/tmp/predictions.jsonl","input":"./data/test.csv"}',
    '{"model":"m","tokens":128,"maxTokens":512,"text":""}',
    '{"prompt":"hello","service":"api"}',
    '{"model":"m","request":{"text":"nested elsewhere"}}',
    'request 550e8400-e29b-41d4-a716-446655440000 done in 12.5ms',
    '2026-03-01T12:00:01.123Z 12:00:01 pid 4242',
    'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'digest sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    'commit 9fceb02d0ae598e95dc970b74767f19372d61af8',
    'version 1.2.3, image v1.2.3.4, oid 1.3.6.1.4.1',
    'listening on 0.0.0.0:3000 and 127.0.0.1 and [::1]:3000 and ::',
    'multicast 239.255.255.250, netmask 255.255.255.0',
    '{"remoteAddress":"::ffff:127.0.0.1","group":"ff02::1"}',
    'mac 00:1a:2b:3c:4d:5e',
    'icon@2x.png, @scope/package@1.2.3',
    '{"authorization":"[Redacted]","password":"********","apiKey":"<redacted>"}',
    'Bearer authentication failed: token expired',
    'retries [1, 2, 3], ports [8080, 8081]',
    'window 4 8 16 32',
    'task-manager-abcdefghijklmnopqrstuvwxyz started',
    'new Float32Array(8) and bytearray(b"x")',
    '    at Module._compile (node:internal/modules/cjs/loader:1554:14)',
    'std::vector<int> and mlx::core::array',
  ];
  it.each(CLEAN)('%s', (text) => {
    expect(scanLine(text)).toEqual([]);
  });
});

describe('scanLine: excerpts', () => {
  it('replaces every sensitive value of the line, the finding and the others, by its placeholder', () => {
    const findings = scanLine('{"user":"ann@example.com","ip":"203.0.113.5","apiKey":"sk-abcdefghijklmnopqrstuvwxyz012345"}');
    expect(findings.map((finding) => finding.kind)).toEqual(['email', 'ip-address', 'api-key']);
    for (const finding of findings) expect(finding.excerpt).toBe('{"user":"[REDACTED:email]","ip":"[REDACTED:ip-address]","apiKey":"[REDACTED:api-key]"}');
  });

  it('cuts a long line to a window around its finding, ellipses where cut', () => {
    const text = `${'a'.repeat(500)} ann@example.com ${'b'.repeat(500)}`;
    const [finding] = scanLine(text);
    expect(finding?.excerpt).toMatch(/^…a+ \[REDACTED:email\] b+…$/);
    expect(finding?.excerpt.length).toBe(MAX_EXCERPT_CHARS + 2);
  });

  it('writes out control and format characters, so the output cannot drive a terminal or forge a line', () => {
    const [finding] = scanLine('\u001b[2J\u001b[31m ann@example.com\u001b[0m\r\u202eevil\u2028next\u0000\tend');
    expect(finding?.excerpt).toBe(String.raw`\u001b[2J\u001b[31m [REDACTED:email]\u001b[0m\u000d\u202eevil\u2028next\u0000 end`);
    // A colour code just before an address reads as part of it: redacted with it.
    expect(scanLine('\u001b[31mann@example.com')[0]?.excerpt).toBe(String.raw`\u001b[[REDACTED:email]`);
  });

  it('reports a record of several lines on the line each finding begins on, once per kind and line', () => {
    const record = ['LEAK token ids: [', '  48151, 62342,', '  91735, 27182', ']', '    at handler (app.js:1:2) ann@example.com bob@example.com'].join('\n');
    expect(scanLine(record)).toEqual([
      { kind: 'token-ids', line: 1, excerpt: 'LEAK token ids: [REDACTED:token-ids]' },
      { kind: 'email', line: 5, excerpt: 'at handler (app.js:1:2) [REDACTED:email] [REDACTED:email]' },
    ]);
  });
});

describe('scanLine on pathological lines', () => {
  // Every pattern is linear: each of these 1 MiB lines takes milliseconds; one that backtracked
  // would take hours, and the test would time out.
  const MIB = 1 << 20;
  const filled = (unit: string): string => unit.repeat(Math.ceil(MIB / unit.length)).slice(0, MIB);
  const LINES: Readonly<Record<string, string>> = {
    digits: filled('1'),
    'numbers and dots': filled('1.'),
    'short number lists': filled('1.5 2.5 3.5 x '),
    'a number, then spaces': `1${' '.repeat(MIB)}`,
    brackets: filled('[ '),
    'hex digits': filled('0123456789abcdef'),
    'at signs': filled('a@'),
    'a domain without a top level': `a@${filled('a-')}`,
    'domain labels': `a@${filled('a.')}`,
    'local part': `${filled('a.')}@`,
    'dotted quads': filled('1.1.1.'),
    colons: filled(':'),
    'hex and colons': filled('ab12:'),
    'bearer words': filled('bearer '),
    'an endless token': `Bearer ${filled('A')}`,
    'authorization words': `authorization: ${filled('a ')}`,
    'credential names': filled('password='),
    'key prefixes': filled('sk-'),
    'array openings': filled('array([1, '),
    'nested prompt objects': filled('{"model":"m","text":['),
    'an unterminated prompt': `{"model":"m","prompt":"${filled('\\"')}`,
    'token labels': filled('tokens: [1, 2, '),
    'web token prefixes': filled('eyJ'),
    'number list': filled('0.5, 1, '),
  };
  it('scans each in linear time', { timeout: 60_000 }, () => {
    for (const [name, text] of Object.entries(LINES)) expect(() => scanLine(text), name).not.toThrow();
  });
});

describe('scanLogFiles', () => {
  it('reads the files of a directory by name, not its subdirectories, and skips compressed and binary files with the reason', async () => {
    const directory = join(work, 'walk');
    mkdirSync(join(directory, 'archive'), { recursive: true });
    writeFileSync(join(directory, 'b.log'), 'ok\nmail bob@example.com\n');
    writeFileSync(join(directory, 'a.log'), 'from 203.0.113.9\n');
    writeFileSync(join(directory, '.hidden.log'), 'ann@example.com\n');
    writeFileSync(join(directory, 'archive', 'old.log'), 'ann@example.com\n');
    writeFileSync(join(directory, 'app.log.1.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00]));
    writeFileSync(join(directory, 'app.log.2'), Buffer.from([0x1f, 0x8b, 0x08, 0x00]));
    writeFileSync(join(directory, 'core'), Buffer.from('ann@example.com\u0000\u0001'));
    const findings: LogFinding[] = [];
    const summary = await scanLogFiles([directory], (finding) => findings.push(finding));
    expect(findings.map((finding) => `${basename(finding.file)}:${finding.line} ${finding.kind}`)).toEqual(['a.log:1 ip-address', 'b.log:2 email']);
    expect(summary).toMatchObject({ files: 2, lines: 3, findings: 2, byKind: { email: 1, 'ip-address': 1 }, cutLines: 0 });
    expect(summary.skipped.map(({ file, reason }) => `${basename(file)}: ${reason.split(' ')[0] ?? ''}`)).toEqual(['app.log.1.gz: compressed', 'app.log.2: compressed', 'archive: a', 'core: binary']);

    const result = scanLogs([directory]);
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(
      [
        `mlx-audit scan-logs: skipped ${join(directory, 'app.log.1.gz')}: compressed (decompress it first, as zcat does)`,
        `mlx-audit scan-logs: skipped ${join(directory, 'app.log.2')}: compressed (gzip: decompress it first, as zcat does)`,
        `mlx-audit scan-logs: skipped ${join(directory, 'archive')}: a directory (directories are not walked down: name it to scan it)`,
        `mlx-audit scan-logs: skipped ${join(directory, 'core')}: binary (it holds NUL bytes)`,
        '',
      ].join('\n'),
    );
  });

  it(`examines the first ${MAX_LINE_BYTES / 1024} KiB of a longer line, and numbers the lines after it right`, async () => {
    const file = join(work, 'long-line.log');
    writeFileSync(file, `early ann@example.com ${'x'.repeat(3 * MAX_LINE_BYTES)} late bob@example.com\nnext carl@example.com\r\n`);
    const findings: LogFinding[] = [];
    const summary = await scanLogFiles([file], (finding) => findings.push(finding));
    expect(findings.map((finding) => `${finding.line} ${finding.kind} ${finding.excerpt.slice(0, 30)}`)).toEqual(['1 email early [REDACTED:email] xxxxxxx', '2 email next [REDACTED:email]']);
    expect(summary).toMatchObject({ lines: 2, cutLines: 1 });
    expect(scanLogs([file]).stderr).toBe(`mlx-audit scan-logs: 1 line longer than 64 KiB: only the first 64 KiB of each examined\n`);
  });

  it('rejects a path that does not exist before any finding', async () => {
    const findings: LogFinding[] = [];
    await expect(scanLogFiles([join(work, 'walk'), join(work, 'missing.log')], (finding) => findings.push(finding))).rejects.toThrow(LogFileError);
    expect(findings).toEqual([]);
  });
});

describe('mlx-audit scan-logs: arguments and exit codes', () => {
  it('exits 2 without a path, with an unknown option, a path it cannot read, or nothing to scan; --help says the usage', () => {
    const none = scanLogs([]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^mlx-audit scan-logs: no log given: name its files or its directory\n\nUsage: mlx-audit scan-logs <files or directories>\.\.\. \[--json\]\n/);
    const unknown = scanLogs(['--since', 'yesterday', work]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^mlx-audit scan-logs: Unknown option '--since'/);
    const missing = scanLogs([join(work, 'missing.log')]);
    expect(missing).toEqual({ status: 2, stdout: '', stderr: `mlx-audit scan-logs: cannot read ${join(work, 'missing.log')}: ENOENT\n` });
    const skippedOnly = join(work, 'compressed-only');
    mkdirSync(skippedOnly);
    writeFileSync(join(skippedOnly, 'app.log.1.gz'), Buffer.from([0x1f, 0x8b, 0x08, 0x00]));
    expect(scanLogs([skippedOnly])).toEqual({
      status: 2,
      stdout: '',
      stderr: `mlx-audit scan-logs: skipped ${join(skippedOnly, 'app.log.1.gz')}: compressed (decompress it first, as zcat does)\nmlx-audit scan-logs: no log file to scan in ${skippedOnly}\n`,
    });
    const help = scanLogs(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Usage: mlx-audit scan-logs/);
  });
});
