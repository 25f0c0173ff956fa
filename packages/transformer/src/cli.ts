#!/usr/bin/env node
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import * as ts from 'typescript';
import { collectSites, pluginEntryOf, resolveConfig } from './plan/collect.js';
import { renderPlanTable } from './plan/render.js';

const USAGE = `Usage: mlx-audit plan [--project tsconfig.json] [--json]

Lists every MLX call site of the project: location, binding, kind, whether each call or only its
errors are logged, and how every argument is redacted.`;

function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { project: { type: 'string', short: 'p', default: 'tsconfig.json' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help === true || positionals[0] !== 'plan') {
    process.stdout.write(`${USAGE}\n`);
    return values.help === true ? 0 : 2;
  }
  const configPath = resolve(values.project);
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => { fail(diagnostic); } });
  if (parsed === undefined) return 1;
  const { config, problems } = resolveConfig(pluginEntryOf(parsed.options));
  if (problems.length > 0) {
    process.stderr.write(`MLXA002: invalid @mlx-audit/transformer options in ${configPath}:\n${problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 1;
  }
  const program = ts.createProgram(parsed.fileNames, parsed.options);
  const sites = collectSites(ts, program, { ...config, projectRoot: config.projectRoot ?? resolve(configPath, '..') });
  process.stdout.write(values.json ? `${JSON.stringify(sites, null, 2)}\n` : `${renderPlanTable(sites)}\n`);
  return 0;
}

function fail(diagnostic: ts.Diagnostic): void {
  process.stderr.write(`${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}\n`);
}

process.exitCode = main(process.argv.slice(2));
