import type * as TS from 'typescript';
import { buildExportMap, type ExportedDeclaration } from './export-map.js';

// An editor makes a new program for every change of a file, sharing the source file objects of
// every file not changed; building a package's export map again for each one was about a tenth
// of a re-lint. The map (declaration nodes to public ids) depends on the package's declaration
// files and on what can merge into them from elsewhere: global declarations (a script) and
// augmentations (`declare module '@frost-beta/mlx'`, `declare global`). So a map is kept with the
// files of the program it was built in, and serves a later program when every file that differs
// (added, removed or changed, in either version) is a module that augments nothing.

interface KeptExportMap {
  readonly map: Map<TS.Node, ExportedDeclaration>;
  /** The program's source files, by file name, when the map was built. */
  readonly files: ReadonlyMap<string, TS.SourceFile>;
}

/** By the package's entry file: one object for as long as no program changes it. */
const kept = new WeakMap<TS.SourceFile, KeptExportMap>();

/** The export map of the package whose entry file is `entry`, in `program`. */
export function exportMapAcrossVersions(ts: typeof TS, program: TS.Program, checker: TS.TypeChecker, entry: TS.SourceFile): Map<TS.Node, ExportedDeclaration> {
  const previous = kept.get(entry);
  if (previous !== undefined && sameDeclarationsForPackages(ts, previous.files, program)) return previous.map;
  const map = buildExportMap(ts, checker, entry);
  // The file list only: holding the program would hold its type checker.
  kept.set(entry, { map, files: new Map(program.getSourceFiles().map((file) => [file.fileName, file])) });
  return map;
}

/** Whether the files that differ between two versions of a program leave every package's declarations as they were. */
function sameDeclarationsForPackages(ts: typeof TS, before: ReadonlyMap<string, TS.SourceFile>, program: TS.Program): boolean {
  const now = program.getSourceFiles();
  let present = 0;
  for (const file of now) {
    const old = before.get(file.fileName);
    if (old !== undefined) present++;
    if (old === file) continue;
    if (!augmentsNothing(ts, file) || (old !== undefined && !augmentsNothing(ts, old))) return false;
  }
  if (present === before.size) return true;
  // Files only the earlier version had.
  const names = new Set(now.map((file) => file.fileName));
  for (const [name, file] of before) {
    if (!names.has(name) && !augmentsNothing(ts, file)) return false;
  }
  return true;
}

/**
 * A module whose declarations stay its own: not a script (whose top level is global), and no
 * `declare module '…'` or `declare global` block (augmentations sit at a module's top level).
 */
function augmentsNothing(ts: typeof TS, file: TS.SourceFile): boolean {
  if (file.isDeclarationFile || !ts.isExternalModule(file)) return false;
  return !file.statements.some((statement) => ts.isModuleDeclaration(statement) && (ts.isStringLiteral(statement.name) || (statement.flags & ts.NodeFlags.GlobalAugmentation) !== 0));
}
