#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ts from 'typescript';
import { MLX_PACKAGE, renderCatalogueDocFor } from '../index.js';

// Usage (from the repository, through `pnpm generate`): node dist/tools/generate-doc.js [output]. Describes the MLX installed where it runs, or else the
// one the catalogue was built against; writes the repository's catalogue page by default.
const packageDir = fileURLToPath(new URL('../..', import.meta.url));
const output = resolve(process.argv[2] ?? resolve(packageDir, '../../rules-docs/mlx-api-catalogue.md'));
const from = resolvesMlx(process.cwd()) ? process.cwd() : packageDir;
writeFileSync(output, renderCatalogueDocFor(ts, from));
console.log(`wrote ${output}`);

function resolvesMlx(directory: string): boolean {
  try {
    createRequire(`${directory}/`).resolve(`${MLX_PACKAGE}/package.json`);
    return true;
  } catch {
    return false;
  }
}
