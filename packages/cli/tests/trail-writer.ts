import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The built runtime, as a program loads it. */
const RUNTIME = fileURLToPath(new URL('../../runtime/dist/index.js', import.meta.url));

export interface WrittenTrail {
  /** Where the file sink wrote `audit.jsonl` (and its rotated files). */
  readonly directory: string;
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/**
 * Runs `body` in a child process that has loaded the runtime (`auditEvent` and `flushAuditLog` in
 * scope), with the file sink writing `<directory>/audit.jsonl`: a real trail, as a program writes it.
 */
export function writeTrail(directory: string, body: string, env: Record<string, string> = {}): WrittenTrail {
  const script = `const { auditEvent, flushAuditLog } = await import(${JSON.stringify(RUNTIME)});\n${body}`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, MLX_AUDIT_SINK: 'file', MLX_AUDIT_FILE: join(directory, 'audit.jsonl'), ...env },
  });
  return { directory, status: result.status, signal: result.signal, stderr: result.stderr };
}
