import type * as TS from 'typescript';
import { remember } from '../memo.js';
import type { ExportedDeclaration } from '../resolve/export-map.js';
import { exportMapAcrossVersions } from '../resolve/export-maps-across-versions.js';
import { normalisePath } from '../resolve/module-keys.js';
import { packageOfFile, type PackageLocation } from '../resolve/package-of-file.js';
import { referenceTarget } from './declarations.js';

/** What MLX's declarations are, by their public ids: asked of declarations and of types. */
export interface MlxDeclarations {
  /** The public id of an MLX declaration, if it is one. */
  readonly exportedDeclaration: (declaration: TS.Node) => ExportedDeclaration | undefined;
  /** The public id of the MLX declaration behind a type (`core.array`), if any. */
  readonly mlxIdOfType: (type: TS.Type) => string | undefined;
  /** Whether a type is `nn.Module` or derives from it. */
  readonly isModuleType: (type: TS.Type) => boolean;
}

/** MLX's declarations in one program: those of the installed packages named in `mlxPackages`. */
export function createMlxDeclarations(ts: typeof TS, program: TS.Program, checker: TS.TypeChecker, mlxPackages: ReadonlySet<string>): MlxDeclarations {
  const exportMaps = new Map<string, Map<TS.Node, ExportedDeclaration>>();
  const packagesOfFiles = new WeakMap<TS.SourceFile, PackageLocation | null>();
  const moduleTypes = new WeakMap<TS.Type, boolean>();
  return { exportedDeclaration, mlxIdOfType, isModuleType };

  function exportedDeclaration(declaration: TS.Node): ExportedDeclaration | undefined {
    const sourceFile = declaration.getSourceFile();
    const location = remember(packagesOfFiles, sourceFile, () => packageOfFile(sourceFile.fileName));
    if (location === undefined || !mlxPackages.has(location.name)) return undefined;
    return exportMapOf(location).get(declaration);
  }

  function exportMapOf(location: PackageLocation): Map<TS.Node, ExportedDeclaration> {
    let map = exportMaps.get(location.root);
    if (map === undefined) {
      const entry = packageEntry(location);
      map = entry === undefined ? new Map() : exportMapAcrossVersions(ts, program, checker, entry);
      exportMaps.set(location.root, map);
    }
    return map;
  }

  /** The declaration file the package's `types` field names: the root of its public API. */
  function packageEntry(location: PackageLocation): TS.SourceFile | undefined {
    let types = 'index.d.ts';
    try {
      const manifest = JSON.parse(ts.sys.readFile(`${location.root}/package.json`) ?? '{}') as { types?: unknown; typings?: unknown };
      const declared = manifest.types ?? manifest.typings;
      if (typeof declared === 'string') types = declared.replace(/^\.\//, '');
    } catch {
      // An unreadable manifest leaves the conventional entry.
    }
    const wanted = normalisePath(`${location.root}/${types}`);
    return program.getSourceFiles().find((file) => normalisePath(file.fileName) === wanted);
  }

  function mlxIdOfType(type: TS.Type): string | undefined {
    for (const symbol of [type.aliasSymbol, type.getSymbol()]) {
      for (const declaration of symbol?.declarations ?? []) {
        const exported = exportedDeclaration(declaration);
        if (exported !== undefined) return exported.id;
      }
    }
    return undefined;
  }

  function isModuleType(type: TS.Type): boolean {
    const cached = moduleTypes.get(type);
    if (cached !== undefined) return cached;
    moduleTypes.set(type, false);
    let result = mlxIdOfType(type) === 'nn.Module';
    const target = referenceTarget(ts, type);
    if (!result && target.isClassOrInterface()) result = checker.getBaseTypes(target).some(isModuleType);
    moduleTypes.set(type, result);
    return result;
  }
}
