import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  ENTRY_KINDS,
  MLX_CATALOGUE,
  MLX_VERSION,
  createMatcher,
  createMlxProgram,
  enumerateDeclaredBindings,
  renderCatalogueDoc,
} from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const { program, entry } = createMlxProgram(ts, here);
const matcher = createMatcher(ts, program);
const bindings = enumerateDeclaredBindings(ts, program.getTypeChecker(), matcher, entry);

describe('the catalogue covers the declared API', () => {
  it('is checked against the installed version', () => {
    const manifest = JSON.parse(readFileSync(join(here, '../node_modules/@frost-beta/mlx/package.json'), 'utf8')) as { version: string };
    expect(manifest.version).toBe(MLX_VERSION);
  });

  it('finds the whole API through the type checker', () => {
    // A floor, so that an enumeration that silently finds nothing cannot pass.
    expect(bindings.length).toBeGreaterThan(2000);
    const paths = new Set(bindings.map((binding) => binding.path));
    for (const path of ['core.load', 'core.random.normal', 'core.array#tolist', 'nn.Linear#loadWeights', 'optimizers.Adam#update', 'utils.treeFlatten']) {
      expect(paths).toContain(path);
    }
  });

  it('classifies every exported function, class, method, property and constant', () => {
    const unclassified = bindings.filter((binding) => binding.entry === undefined).map((binding) => binding.path);
    expect(unclassified).toEqual([]);
  });

  it('has no entry for a binding that is not declared', () => {
    const declared = new Set(bindings.map((binding) => binding.path));
    const stale = Object.entries(MLX_CATALOGUE)
      .filter(([id, data]) => data.implicit !== true && !declared.has(id))
      .map(([id]) => id);
    expect(stale).toEqual([]);
  });

  it('uses every kind an entry may have', () => {
    const used = new Set(Object.values(MLX_CATALOGUE).map((data) => data.kind));
    expect([...used].sort()).toEqual([...ENTRY_KINDS].sort());
  });

  it('names parameters that exist in role overrides', () => {
    const wrong = bindings.flatMap((binding) => {
      const overrides = Object.keys(binding.entry?.roles ?? {});
      if (binding.entry?.id !== binding.path || overrides.length === 0) return [];
      const names = new Set(binding.signatures.flat().map((parameter) => parameter.name));
      return overrides.filter((name) => !names.has(name)).map((name) => `${binding.path}(${name})`);
    });
    expect(wrong).toEqual([]);
  });
});

describe('rules-docs/mlx-api-catalogue.md', () => {
  it('is what `pnpm generate` writes (run it after changing the catalogue)', () => {
    const committed = readFileSync(join(here, '../../../rules-docs/mlx-api-catalogue.md'), 'utf8');
    expect(committed).toBe(renderCatalogueDoc(bindings));
  });
});
