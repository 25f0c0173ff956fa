import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// Issue #14: imports run one way, and `pnpm lint` says so. The lint's import check is
// dependency-cruiser with the repository's .dependency-cruiser.cjs over every package's src/; this
// runs the same command on the real sources (no violation, no cycle) and on planted mistakes,
// which it must refuse by rule name.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CONFIG = join(ROOT, '.dependency-cruiser.cjs');
const DEPCRUISE = join(ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  rule: { name: string };
  from: string;
  to: string;
}

/** The arguments `pnpm lint:imports` gives dependency-cruiser, read from package.json. */
function lintArguments(): string[] {
  const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> & { lint?: string } }).scripts;
  const command = scripts['lint:imports'] ?? '';
  expect(command).toMatch(/^depcruise /);
  expect(scripts.lint).toContain('lint:imports');
  return command.split(/\s+/).slice(1);
}

/** The lint's command in `cwd` (its exit status), and the same asked for JSON (which always exits 0). */
function cruise(cwd: string): { status: number | null; violations: Violation[] } {
  // The shell's `packages/*/src`, expanded here.
  const args = lintArguments()
    .map((arg) => (arg === '.dependency-cruiser.cjs' ? CONFIG : arg))
    .flatMap((arg) => (arg === 'packages/*/src' ? ['catalogue', 'eslint-plugin', 'runtime', 'transformer'].map((name) => `packages/${name}/src`) : [arg]));
  const run = (argv: string[]) => spawnSync(process.execPath, [DEPCRUISE, ...argv], { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const asLinted = run(args);
  const asJson = run(args.map((arg, index) => (args[index - 1] === '--output-type' ? 'json' : arg)));
  const report = JSON.parse(asJson.stdout) as { summary: { violations: Violation[] } };
  return { status: asLinted.status, violations: report.summary.violations };
}

const planted = mkdtempSync(join(tmpdir(), 'mlxa-imports-'));
afterAll(() => {
  rmSync(planted, { recursive: true, force: true });
});

function plant(files: Record<string, string>): void {
  writeFileSync(join(planted, 'tsconfig.base.json'), JSON.stringify({ compilerOptions: { module: 'nodenext', moduleResolution: 'nodenext' } }));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(planted, path)), { recursive: true });
    writeFileSync(join(planted, path), text);
  }
}

describe("the lint's import rules", () => {
  it('hold for every package: no cycle, no forbidden import', () => {
    const { status, violations } = cruise(ROOT);
    expect(violations.map((violation) => `${violation.rule.name}: ${violation.from} → ${violation.to}`)).toEqual([]);
    expect(status).toBe(0);
  });

  it('refuse a planted cycle and planted imports against the direction, by rule', () => {
    plant({
      'packages/catalogue/src/a.ts': "import { b } from './b.js';\nexport const a = () => b;\n",
      'packages/catalogue/src/b.ts': "import { a } from './a.js';\nexport const b = () => a;\n",
      'packages/catalogue/src/c.ts': "export { d } from '../../runtime/src/d.js';\n",
      'packages/runtime/src/d.ts': 'export const d = 1;\n',
      'packages/eslint-plugin/src/logging/log-call.ts': "export { analysis } from '../taint/analysis.js';\n",
      'packages/eslint-plugin/src/taint/analysis.ts': "export { rule } from '../rules/some-rule.js';\n",
      'packages/eslint-plugin/src/rules/some-rule.ts': "export const rule = 1;\nexport { d } from '../../../runtime/src/d.js';\n",
      'packages/transformer/src/e.ts': "export const e = 1;\n",
    });
    const { status, violations } = cruise(planted);
    expect(status).not.toBe(0);
    expect(new Set(violations.map((violation) => violation.rule.name))).toEqual(
      new Set(['no-cycle', 'catalogue-imports-no-workspace-package', 'plugin-logging-below-taint', 'plugin-nothing-below-imports-a-rule', 'plugin-never-imports-the-runtime']),
    );
  });
});
