#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderPreset, type PresetName } from '../configs/render.js';
import { rules } from '../rules/index.js';

// Writes src/configs/<preset>.ts from rule meta; a test fails while they differ.
for (const preset of ['recommended', 'strict', 'all'] satisfies PresetName[]) {
  const path = fileURLToPath(new URL(`../../src/configs/${preset}.ts`, import.meta.url));
  writeFileSync(path, renderPreset(rules, preset));
  console.log(`wrote ${path}`);
}
