import type * as TS from 'typescript';
import { isPathModule, userEntryId, type UserEntry } from './user-entries.js';

/**
 * Why a user entry can match nothing in a program:
 * - `module-not-found`: its `module` is a path that is no file of the program and none on disk,
 *   or a package that no file of the program belongs to and that does not resolve from the
 *   project (a typo: `./src/genrate.ts`, `@acme/lml`);
 * - `module-not-in-program`: its path is a file on disk that the program does not compile (its
 *   build output, `./dist/generate.js`, or a file the tsconfig leaves out). No call of this program
 *   can reach it; another program (another tsconfig) may compile it;
 * - `name-not-declared`: the module is in the program, but none of its files declares `name` the
 *   way entries name declarations (`generte`, `Model.generate` for an instance method).
 */
export type UnresolvedReason = 'module-not-found' | 'module-not-in-program' | 'name-not-declared';

/** A user entry that can match nothing in the program, with why and what to fix. */
export interface UnresolvedEntry {
  readonly entry: UserEntry;
  /** The entry's id (`userEntryId`). */
  readonly id: string;
  readonly reason: UnresolvedReason;
  /** One line naming the entry, what is wrong and what to fix, for a log or a report. */
  readonly message: string;
}

/** What the matcher lends: its keys for files and entry modules, and how it names declarations. */
export interface EntryLookup {
  readonly projectRoot: string;
  moduleKeyOfFile(fileName: string): string;
  moduleKeyOfSpecifier(module: string): string;
  declarationLabel(declaration: TS.Declaration): string | undefined;
}

/** The extensions a path entry may leave out, as TypeScript looks for them. */
const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.d.ts', '.js', '.jsx', '.mjs', '.cjs'];
const FIX_NAME = "fix 'name': fn, Class, Class#method or Class.staticMethod, as declared";

/**
 * The entries of `entries` that can match nothing in `program`. Reads only the files of the
 * modules the entries name (and, for a module outside the program, a few paths on disk).
 */
export function findUnresolvedEntries(ts: typeof TS, program: TS.Program, entries: readonly UserEntry[], lookup: EntryLookup): UnresolvedEntry[] {
  if (entries.length === 0) return [];
  const { projectRoot } = lookup;
  const wanted = new Set(entries.map((entry) => lookup.moduleKeyOfSpecifier(entry.module)));
  const filesByKey = new Map<string, TS.SourceFile[]>();
  for (const file of program.getSourceFiles()) {
    const key = lookup.moduleKeyOfFile(file.fileName);
    if (wanted.has(key)) filesByKey.set(key, [...(filesByKey.get(key) ?? []), file]);
  }
  const labelsByKey = new Map<string, ReadonlySet<string>>();
  const unresolved: UnresolvedEntry[] = [];
  for (const entry of entries) {
    const id = userEntryId(entry);
    const key = lookup.moduleKeyOfSpecifier(entry.module);
    const files = filesByKey.get(key);
    const lead = `entry '${id}' matches nothing, so its calls are not audited:`;
    if (files === undefined) {
      const problem = isPathModule(entry.module) ? pathProblem(entry.module, key) : packageProblem(entry.module);
      if (problem !== undefined) unresolved.push({ entry, id, reason: problem.reason, message: `${lead} ${problem.text}` });
      continue;
    }
    let labels = labelsByKey.get(key);
    if (labels === undefined) {
      labels = declaredLabels(files);
      labelsByKey.set(key, labels);
    }
    if (labels.has(entry.name)) continue;
    const closest = closestLabel(entry.name, labels);
    const hint = closest === undefined ? '' : ` (did you mean '${closest}'?)`;
    unresolved.push({
      entry,
      id,
      reason: 'name-not-declared',
      message: `${lead} '${entry.module}' declares no function, class, variable or class member '${entry.name}'${hint}; ${FIX_NAME}.`,
    });
  }
  return unresolved;

  function pathProblem(module: string, key: string): { reason: UnresolvedReason; text: string } {
    const base = /^([A-Za-z]:)?\//.test(key) ? key : `${projectRoot}/${key}`;
    const onDisk = SOURCE_EXTENSIONS.map((extension) => `${base}${extension}`).find((file) => ts.sys.fileExists(file));
    if (onDisk !== undefined) {
      return {
        reason: 'module-not-in-program',
        text: `its module '${module}' is ${onDisk}, which is not a file of the program; fix 'module': name the source file the program compiles (not its build output), or add it to the program.`,
      };
    }
    return {
      reason: 'module-not-found',
      text: `its module '${module}' is no file of the program, nor on disk (${base}.ts, .js...); fix 'module': a path relative to ${projectRoot}, or a package name.`,
    };
  }

  /** Undefined when the package is installed: no file of the program belongs to it, so no call of the program can reach it. */
  function packageProblem(module: string): { reason: UnresolvedReason; text: string } | undefined {
    const options = program.getCompilerOptions();
    const configFile = typeof options.configFilePath === 'string' ? options.configFilePath.replaceAll('\\', '/') : undefined;
    const folders = [...new Set([projectRoot, ...(configFile === undefined ? [] : [configFile.slice(0, configFile.lastIndexOf('/'))])])];
    const installed = folders.some(
      (folder) => ts.resolveModuleName(module, `${folder}/index.ts`, options, ts.sys).resolvedModule !== undefined || hasInstalledPackage(folder, module),
    );
    if (installed) return undefined;
    return {
      reason: 'module-not-found',
      text: `its module '${module}' is no package of the program, nor one installed for ${folders.join(' or ')}; fix 'module': an installed package's name, or a path relative to ${projectRoot} such as ./src/generate.ts.`,
    };
  }

  /** `node_modules/<name>/package.json` in the folder or above it: a package whose `exports` may have no `.`. */
  function hasInstalledPackage(folder: string, name: string): boolean {
    for (let current = folder; ; ) {
      if (ts.sys.fileExists(`${current}/node_modules/${name}/package.json`)) return true;
      const parent = current.slice(0, current.lastIndexOf('/'));
      if (parent === current || parent === '' || !current.includes('/')) return false;
      current = parent;
    }
  }

  /** Every name an entry could give a declaration of these files: `generate`, `Model`, `Model#generate`, `Model.load`. */
  function declaredLabels(files: readonly TS.SourceFile[]): ReadonlySet<string> {
    const labels = new Set<string>();
    const visit = (node: TS.Node): void => {
      if (ts.isFunctionDeclaration(node) || ts.isClassLike(node) || ts.isVariableDeclaration(node) || (ts.isClassElement(node) && ts.isClassLike(node.parent))) {
        const label = lookup.declarationLabel(node);
        if (label !== undefined) labels.add(label);
      }
      ts.forEachChild(node, visit);
    };
    for (const file of files) visit(file);
    return labels;
  }
}

/** The declared name nearest `name` by edit distance, if near enough to be what was meant. */
function closestLabel(name: string, labels: ReadonlySet<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const label of labels) {
    const distance = editDistance(name.toLowerCase(), label.toLowerCase());
    if (distance < bestDistance) {
      best = label;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
