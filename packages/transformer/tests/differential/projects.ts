import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the differential corpus: `shared/` cases and the `esm/` and `cjs/` projects. */
export const CORPUS_ROOT = fileURLToPath(new URL('corpus/', import.meta.url));

export type CorpusProjectName = 'esm' | 'cjs';
export type CorpusBuild = 'plain' | 'audited' | 'defaults';

export interface CorpusProject {
  readonly name: CorpusProjectName;
  readonly directory: string;
  /**
   * The tsconfig of each build: `plain` has no plugin, `audited` sets every kind to "event",
   * `defaults` is the plugin entry with no options. Any of them can be given to
   * `mlx-audit plan -p <tsconfig> --json`.
   */
  readonly tsconfig: Readonly<Record<CorpusBuild, string>>;
  /** The entry of a build, relative to its output folder (the outDir keeps the corpus layout). */
  readonly entry: string;
}

function project(name: CorpusProjectName): CorpusProject {
  const directory = join(CORPUS_ROOT, name);
  return {
    name,
    directory,
    tsconfig: {
      plain: join(directory, 'tsconfig.json'),
      audited: join(directory, 'tsconfig.audited.json'),
      defaults: join(directory, 'tsconfig.defaults.json'),
    },
    entry: join(name, 'src', 'main.js'),
  };
}

/** The two corpus projects: the same shared cases compiled as ESM and as CommonJS, plus their own. */
export const CORPUS_PROJECTS: readonly CorpusProject[] = [project('esm'), project('cjs')];
