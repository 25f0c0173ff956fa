import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import type * as TS from 'typescript';
import { runBuild } from './build-command.js';
import { planProject } from './plan/collect.js';
import { renderPlanTable } from './plan/render.js';
import { unsupportedTypeScript } from '@mlx-audit/catalogue';

// The transformer's subcommands of `mlx-audit` (the command is @mlx-audit/cli's): they need
// TypeScript and ts-patch, which a machine that only verifies or reads trails does not have.

export const PLAN_USAGE = `mlx-audit plan [--project tsconfig.json] [--json]
    Lists every MLX call site of the project: location, binding, kind, whether each call or
    only its errors are logged (or why it is left as written), and how every argument is
    redacted; then how many sites were found, how many are instrumented and how many are left
    as written.`;

export const BUILD_USAGE = `mlx-audit build [tspc options]
    Checks that the installed TypeScript and ts-patch can run the transformer (tspc crashes
    inside ts-patch under TypeScript 7), then runs tspc with the given options.`;

/** `mlx-audit build …`: the arguments after `build`; returns the exit code. */
export function buildCommand(argv: readonly string[]): number {
  // Before TypeScript is loaded: tspc loads its own, and only versions are checked.
  return runBuild([...argv]);
}

/** `mlx-audit plan …`: the arguments after `plan`; returns the exit code. */
export function planCommand(argv: readonly string[]): number {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: false,
      options: { project: { type: 'string', short: 'p', default: 'tsconfig.json' }, json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (error) {
    // A mistyped option is the user's, not a crash: one line, the usage, exit 2.
    const message = error instanceof Error ? error.message.split('. ')[0] : String(error);
    process.stderr.write(`mlx-audit plan: ${message ?? 'invalid arguments'}\n\nUsage: ${PLAN_USAGE}\n`);
    return 2;
  }
  const { values } = parsed;
  if (values.help === true) {
    process.stdout.write(`Usage: ${PLAN_USAGE}\n`);
    return 0;
  }
  // TypeScript as the CommonJS module it is, and checked before any use of the compiler API,
  // which TypeScript 7 does not have.
  const ts = createRequire(import.meta.url)('typescript') as typeof TS;
  const unsupported = unsupportedTypeScript((ts as { version?: unknown }).version);
  if (unsupported !== undefined) {
    process.stderr.write(`mlx-audit: ${unsupported}\n`);
    return 2;
  }
  const configPath = resolve(values.project);
  const planned = planProject(ts, configPath, (diagnostic) => {
    process.stderr.write(`${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}\n`);
  });
  if (planned === undefined) return 1;
  if (planned.problems !== undefined) {
    process.stderr.write(`MLXA002: invalid @mlx-audit/transformer options in ${configPath}:\n${planned.problems.map((p) => `  - ${p}`).join('\n')}\n`);
    return 1;
  }
  process.stdout.write(values.json ? `${JSON.stringify(planned.plan, null, 2)}\n` : `${renderPlanTable(planned.plan)}\n`);
  return 0;
}
