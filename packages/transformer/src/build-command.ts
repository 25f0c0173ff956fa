import { spawnSync } from 'node:child_process';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { unsupportedTypeScript } from '@mlx-audit/catalogue';
import { findUp } from './find-up.js';

/** The ts-patch major this project builds and tests with (on Node 20.19 and later, too). */
export const SUPPORTED_TS_PATCH = '^4.0.1';

interface InstalledPackage {
  readonly directory: string;
  readonly manifest: { readonly version?: unknown; readonly bin?: unknown };
}

/**
 * What `mlx-audit build [tspc options]` will run, or the one line that says why it cannot: ts-patch
 * and the TypeScript ts-patch loads, both resolved from `projectDirectory` as `npx tspc` would.
 * `tspc` itself crashes inside ts-patch under TypeScript 7 (which has no JavaScript compiler
 * API) before the transformer is loaded, so the check has to come first and read only versions.
 */
export function buildCommand(projectDirectory: string, tspcArguments: readonly string[]): { readonly argv: readonly string[]; readonly warning?: string } | { readonly refusal: string } {
  const tsPatch = installed('ts-patch', projectDirectory);
  if (tsPatch === undefined) {
    return { refusal: `mlx-audit: ts-patch is not installed in ${projectDirectory}: install ts-patch@${SUPPORTED_TS_PATCH} typescript@~6.0` };
  }
  // ts-patch loads the TypeScript it finds from its own (real) folder.
  const typescript = installed('typescript', tsPatch.directory);
  if (typescript === undefined) {
    return { refusal: 'mlx-audit: TypeScript is not installed beside ts-patch: install typescript@~6.0' };
  }
  const unsupported = unsupportedTypeScript(typescript.manifest.version);
  if (unsupported !== undefined) return { refusal: `mlx-audit: ${unsupported}` };
  const bin = typeof tsPatch.manifest.bin === 'object' && tsPatch.manifest.bin !== null ? (tsPatch.manifest.bin as { tspc?: unknown }).tspc : undefined;
  if (typeof bin !== 'string') {
    return { refusal: `mlx-audit: ts-patch ${String(tsPatch.manifest.version)} has no tspc command: install ts-patch@${SUPPORTED_TS_PATCH}` };
  }
  const version = String(tsPatch.manifest.version);
  const warning = version.startsWith('4.')
    ? undefined
    : `mlx-audit: ts-patch ${version} is not the version mlx-audit is tested with (${SUPPORTED_TS_PATCH}); building with it anyway`;
  const argv = [resolve(tsPatch.directory, bin), ...tspcArguments];
  return warning === undefined ? { argv } : { argv, warning };
}

/**
 * `mlx-audit build`: checks the toolchain, then runs `tspc` with the given options in a child
 * process and exits as it does. Returns the exit code.
 */
export function runBuild(tspcArguments: readonly string[]): number {
  const command = buildCommand(process.cwd(), tspcArguments);
  if ('refusal' in command) {
    process.stderr.write(`${command.refusal}\n`);
    return 2;
  }
  if (command.warning !== undefined) process.stderr.write(`${command.warning}\n`);
  const child = spawnSync(process.execPath, command.argv, { stdio: 'inherit' });
  if (child.error !== undefined) {
    process.stderr.write(`mlx-audit: could not run tspc: ${child.error.message}\n`);
    return 1;
  }
  // Die as tspc died (Ctrl-C during a build), so that a calling shell sees the signal.
  if (child.signal !== null) process.kill(process.pid, child.signal);
  return child.status ?? 1;
}

/**
 * The installed package `name` as found in the `node_modules` folders at and above `directory`
 * (as `npx` finds a local command): not through NODE_PATH or Node's global folders, which
 * `require.resolve` also searches and which could hold a ts-patch the project does not have.
 */
function installed(name: string, directory: string): InstalledPackage | undefined {
  const manifestPath = findUp(directory, join('node_modules', name, 'package.json'));
  if (manifestPath === undefined) return undefined;
  try {
    const packageDirectory = realpathSync(dirname(manifestPath));
    return { directory: packageDirectory, manifest: JSON.parse(readFileSync(join(packageDirectory, 'package.json'), 'utf8')) as InstalledPackage['manifest'] };
  } catch {
    return undefined;
  }
}
