import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built `mlx-audit` command (`pnpm test` builds it first). */
export const MLX_AUDIT = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `mlx-audit` with `args` in `cwd`, as a user's shell does. */
export function mlxAudit(cwd: string, args: readonly string[], command = MLX_AUDIT): CliResult {
  const result = spawnSync(process.execPath, [command, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
