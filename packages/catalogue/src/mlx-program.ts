import { createRequire } from 'node:module';
import type * as TS from 'typescript';
import { MLX_PACKAGE } from './entries/index.js';

/**
 * A program over the declarations of the installed `@frost-beta/mlx`, for tools that describe
 * the whole API (the catalogue page, the completeness test) rather than a user's project.
 * `from` is where package resolution starts (a file or folder path).
 */
export function createMlxProgram(ts: typeof TS, from: string): { program: TS.Program; entry: TS.SourceFile } {
  const require = createRequire(from.endsWith('/') ? from : `${from}/`);
  const manifestPath = require.resolve(`${MLX_PACKAGE}/package.json`);
  const root = manifestPath.slice(0, -'/package.json'.length);
  const manifest = JSON.parse(ts.sys.readFile(manifestPath) ?? '{}') as { types?: string };
  const entryPath = `${root}/${(manifest.types ?? 'index.d.ts').replace(/^\.\//, '')}`;
  const program = ts.createProgram([entryPath], {
    noEmit: true,
    types: [],
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
  });
  const entry = program.getSourceFile(entryPath);
  if (entry === undefined) throw new Error(`Could not load the declarations of ${MLX_PACKAGE} at ${entryPath}.`);
  return { program, entry };
}
