import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RuleOptions } from '@mlx-audit/monitor';
import { sigmaExport } from '@mlx-audit/monitor/sigma';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { sigmaFileErrors } from '../../monitor/tests/support/sigma-checks.js';
import { mlxAudit } from './run-cli.js';

// The command line of `mlx-audit rules`: the listing, the Sigma files it writes (read back and
// validated against Sigma's schemas, as the monitor's tests validate the documents), the directory
// it refuses, and --config, whose mistakes stop it. The mapping itself is tested in packages/monitor.

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'mlx-audit-rules-'));
  chmodSync(work, 0o700);
});
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const TUNED: RuleOptions = {
  modelLoadFailures: { threshold: 3, windowMs: 90_000 },
  unexpectedModel: { allowedHashes: ['a'.repeat(64)], reloadThreshold: 4 },
};

function config(name: string, value: unknown): string {
  const file = join(work, name);
  writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
  return file;
}

/** The documents of every .yml file in a directory, by file name. */
function readExport(directory: string): Map<string, unknown[]> {
  const files = readdirSync(directory).filter((file) => file.endsWith('.yml'));
  return new Map(files.map((file) => [file, parseAllDocuments(readFileSync(join(directory, file), 'utf8')).map((document) => document.toJS() as unknown)]));
}

describe('mlx-audit rules', () => {
  it('lists every rule with its severity, family and Sigma file, or why it has none', () => {
    const result = mlxAudit(work, ['rules']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const listing = sigmaExport();
    const lines = result.stdout.split('\n');
    for (const rule of listing) {
      const line = lines.find((candidate) => candidate.startsWith(`${rule.id} `));
      expect(line?.split(/\s+/).slice(0, 4)).toEqual([rule.id, rule.severity, rule.family, rule.exported ? rule.sigma.file : 'not']);
      const next = lines[lines.indexOf(line ?? '') + 1];
      if (!rule.exported) expect(next).toBe(`    ${rule.reason}`);
      else if (rule.sigma.approximation !== undefined) expect(next).toBe(`    ${rule.sigma.approximation}`);
    }
    const exported = listing.filter((rule) => rule.exported);
    const approximations = exported.filter((rule) => rule.sigma.approximation !== undefined);
    expect(lines.at(-2)).toBe(`${listing.length} rules: ${exported.length} exported to Sigma (${approximations.length} as approximations), ${listing.length - exported.length} not`);
  });

  it.each([
    ['default options', undefined, {}],
    ['a configuration', TUNED, TUNED],
  ])('--sigma writes the files of the export with %s: each valid, the documents the monitor makes, and a README of the rest', (_, configured, options) => {
    const directory = join(work, `export-${configured === undefined ? 'default' : 'tuned'}`);
    const args = configured === undefined ? [] : ['--config', config('tuned.json', configured)];
    const result = mlxAudit(work, ['rules', '--sigma', directory, ...args]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const listing = sigmaExport(options);
    const files = listing.flatMap((rule) => (rule.exported ? [rule.sigma.file] : []));
    expect(readdirSync(directory).sort()).toEqual([...files, 'README.md'].sort());
    expect(result.stdout).toBe(`${[...files, 'README.md'].join('\n')}\n${listing.length} rules: ${files.length} exported to Sigma (${listing.filter((rule) => rule.exported && rule.sigma.approximation !== undefined).length} as approximations), ${listing.length - files.length} not: written to ${directory}\n`);
    const written = readExport(directory);
    for (const rule of listing) {
      if (!rule.exported) continue;
      const documents = written.get(rule.sigma.file) as Record<string, unknown>[];
      expect({ file: rule.sigma.file, errors: sigmaFileErrors(documents) }).toEqual({ file: rule.sigma.file, errors: [] });
      expect(documents).toEqual(rule.sigma.documents);
    }
    const readme = readFileSync(join(directory, 'README.md'), 'utf8');
    for (const rule of listing) expect(readme).toContain(rule.exported ? `| \`${rule.sigma.file}\` | \`${rule.id}\` |` : `| \`${rule.id}\` | ${rule.severity} | ${rule.reason.replaceAll('|', '\\|')} |`);
  });

  it('writes the Sigma style: four-space indents, single-quoted strings, correlation and detection in one file', () => {
    const directory = join(work, 'style');
    expect(mlxAudit(work, ['rules', '--sigma', directory]).status).toBe(0);
    const text = readFileSync(join(directory, 'mr_mlx_audit_error_spike_model_load_failures.yml'), 'utf8');
    expect(text).toContain("correlation:\n    type: 'event_count'\n    rules:\n        - 'mlx_audit_error_spike_model_load_failures_event'\n    group-by:\n        - 'service.name'\n    timespan: '5m'\n    condition:\n        gte: 5\n");
    expect(text.split('\n---\n')).toHaveLength(2);
    expect(text).toContain("\nname: 'mlx_audit_error_spike_model_load_failures_event'\n");
  });

  it('refuses a directory that has files, and with --force replaces an earlier export, leaving other files', () => {
    const directory = join(work, 'occupied');
    mkdirSync(directory);
    writeFileSync(join(directory, 'notes.txt'), 'mine');
    writeFileSync(join(directory, 'mr_mlx_audit_retired_rule.yml'), 'title: old');
    const refused = mlxAudit(work, ['rules', '--sigma', directory]);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(`mlx-audit rules: ${directory} is not empty (mr_mlx_audit_retired_rule.yml, notes.txt): name a new or empty directory, or add --force to replace an earlier export there\n`);
    const forced = mlxAudit(work, ['rules', '--sigma', directory, '--force']);
    expect(forced.status).toBe(0);
    const left = readdirSync(directory);
    expect(left).toContain('notes.txt');
    expect(left).not.toContain('mr_mlx_audit_retired_rule.yml');
    expect(left).toContain('README.md');
  });

  it.each([
    ['an unknown family', { burnrate: { objective: 0.999 } }, 'unknown option burnrate (known: auditingGaps, burnRate, modelLoadFailures, latencyShift, resources, unexpectedModel, extraction, confidenceDrift)'],
    ['a mistyped option', { burnRate: { objectiv: 0.999 } }, 'unknown option burnRate.objectiv (known: objective, shortWindowMs, longWindowMs, burnRate, minCalls, bucketMs, maxKeys)'],
    ['a mistyped option, deeper', { extraction: { rate: { burts: 10 } } }, 'unknown option extraction.rate.burts (known: ratePerSecond, burst, maxClients)'],
    ['a value of the wrong type', { modelLoadFailures: { threshold: '5' } }, 'modelLoadFailures.threshold must be a number, got "5"'],
    ['a list of the wrong type', { unexpectedModel: { allowedPaths: '/srv/models' } }, 'unexpectedModel.allowedPaths must be an array of strings, got "/srv/models"'],
    ['a family that is no object', { burnRate: 14.4 }, 'burnRate must be an object of options, got 14.4'],
    ['a value the rule refuses', { modelLoadFailures: { threshold: 0 } }, 'modelLoadFailures: threshold must be a positive integer, got 0'],
    ['a value the rule refuses, deeper', { extraction: { rate: { burst: -1 } } }, 'extraction: '],
    ['no object', [1, 2], 'the configuration must be an object of options, got an array'],
  ])('--config stops at %s: exit 2, naming it', (_, value, message) => {
    const file = config('bad.json', value);
    const result = mlxAudit(work, ['rules', '--config', file]);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`mlx-audit rules: ${file}: ${message}`);
    expect(result.status).toBe(2);
  });

  it('stops at a --config file that is missing or not JSON, at a --sigma directory in none, and at an unknown option', () => {
    const missing = mlxAudit(work, ['rules', '--config', join(work, 'missing.json')]);
    expect([missing.status, missing.stderr]).toEqual([2, `mlx-audit rules: cannot read ${join(work, 'missing.json')}: ENOENT\n`]);
    const notJson = config('not.json', '{ burnRate: 1 }');
    const broken = mlxAudit(work, ['rules', '--config', notJson]);
    expect(broken.status).toBe(2);
    expect(broken.stderr).toMatch(new RegExp(`^mlx-audit rules: ${notJson} is not JSON: `));
    const nowhere = join(work, 'missing', 'export');
    expect(mlxAudit(work, ['rules', '--sigma', nowhere])).toMatchObject({ status: 2, stdout: '', stderr: `mlx-audit rules: cannot write ${nowhere}: ENOENT\n` });
    const option = mlxAudit(work, ['rules', '--sigmas', 'x']);
    expect(option.status).toBe(2);
    expect(option.stderr).toMatch(/^mlx-audit rules: Unknown option '--sigmas'/);
  });
});
