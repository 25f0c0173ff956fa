import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The tarballs as a user installing the packages receives them: each package is packed with
// `pnpm pack` (after `pnpm build`, which `pnpm test` runs first), unpacked, and read like an
// installed package would be — without the rest of the repository.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGES = ['catalogue', 'cli', 'eslint-plugin', 'runtime', 'transformer'] as const;
const REPOSITORY_URL = 'https://github.com/mlx-audit/mlx-audit';

interface PackedPackage {
  /** Paths inside the tarball, without the leading `package/`. */
  files: Set<string>;
  /** Where the tarball was unpacked. */
  dir: string;
}

interface Manifest {
  license?: string;
  repository?: { type?: string; url?: string; directory?: string };
  homepage?: string;
  bugs?: { url?: string } | string;
  bin?: Record<string, string> | string;
}

interface SourceMap {
  sources: string[];
}

const work = mkdtempSync(join(tmpdir(), 'mlx-audit-pack-'));
const packed = new Map<string, PackedPackage>();

beforeAll(() => {
  for (const name of PACKAGES) {
    const destination = join(work, name);
    mkdirSync(destination);
    execFileSync('pnpm', ['pack', '--pack-destination', destination], {
      cwd: join(ROOT, 'packages', name),
      stdio: 'pipe',
    });
    const tarball = readdirSync(destination).find((file) => file.endsWith('.tgz'));
    if (tarball === undefined) throw new Error(`pnpm pack wrote no tarball for ${name}`);
    const listing = execFileSync('tar', ['-tzf', join(destination, tarball)], { encoding: 'utf8' });
    const files = new Set(
      listing
        .split('\n')
        .filter((line) => line !== '' && !line.endsWith('/'))
        .map((line) => line.replace(/^package\//, '')),
    );
    execFileSync('tar', ['-xzf', join(destination, tarball), '-C', destination]);
    packed.set(name, { files, dir: join(destination, 'package') });
  }
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function get(name: string): PackedPackage {
  const result = packed.get(name);
  if (result === undefined) throw new Error(`${name} was not packed`);
  return result;
}

function manifest(name: string): Manifest {
  return JSON.parse(readFileSync(join(get(name).dir, 'package.json'), 'utf8')) as Manifest;
}

/** The targets of the Markdown links `[text](target)` of a document, without titles. */
function markdownLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1] ?? '');
}

describe.each(PACKAGES)('the packed @mlx-audit/%s', (name) => {
  it('ships a LICENSE', () => {
    expect(get(name).files).toContain('LICENSE');
    expect(readFileSync(join(get(name).dir, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  it('says where it comes from: license, repository with its directory, homepage, bugs', () => {
    const pkg = manifest(name);
    expect(pkg.license).toBe('MIT');
    expect(pkg.repository).toEqual({ type: 'git', url: `git+${REPOSITORY_URL}.git`, directory: `packages/${name}` });
    expect(pkg.homepage).toBe(`${REPOSITORY_URL}/tree/main/packages/${name}#readme`);
    expect(pkg.bugs).toEqual({ url: `${REPOSITORY_URL}/issues` });
  });

  it('has a README whose relative links resolve inside the tarball', () => {
    const { files, dir } = get(name);
    expect(files).toContain('README.md');
    const relative = markdownLinks(readFileSync(join(dir, 'README.md'), 'utf8')).filter(
      (target) => !/^(?:https?:|mailto:|#)/.test(target),
    );
    const dead = relative.filter((target) => {
      const path = posix.normalize(decodeURIComponent(target.replace(/#.*$/, '')));
      return path.startsWith('../') || !(files.has(path) || [...files].some((file) => file.startsWith(`${path.replace(/\/$/, '')}/`)));
    });
    expect(dead).toEqual([]);
  });

  it('installs no maintenance tool as a command', () => {
    const { bin } = manifest(name);
    const targets = bin === undefined ? [] : typeof bin === 'string' ? [bin] : Object.values(bin);
    for (const target of targets) {
      expect(posix.normalize(target)).not.toMatch(/^dist\/tools\//);
      expect(get(name).files).toContain(posix.normalize(target));
    }
    expect(Object.keys(typeof bin === 'object' ? bin : {})).not.toContain('mlx-audit-catalogue-doc');
  });

  it('has source maps, of the JavaScript and of the declarations, that point at shipped sources', () => {
    const { files, dir } = get(name);
    const maps = [...files].filter((file) => file.endsWith('.js.map') || file.endsWith('.d.ts.map'));
    expect(maps.filter((file) => file.endsWith('.d.ts.map')).length).toBeGreaterThan(0);
    expect(maps.filter((file) => file.endsWith('.js.map')).length).toBeGreaterThan(0);
    const unresolved: string[] = [];
    for (const file of maps) {
      const map = JSON.parse(readFileSync(join(dir, file), 'utf8')) as SourceMap;
      for (const source of map.sources) {
        if (!files.has(posix.join(posix.dirname(file), source))) unresolved.push(`${file}: ${source}`);
      }
    }
    expect(unresolved).toEqual([]);
  });

  it('ships no compiled file whose source is gone (a stale dist/: rm -rf packages/*/dist packages/*/tsconfig.tsbuildinfo)', () => {
    const { files } = get(name);
    const orphans = [...files]
      .filter((file) => file.startsWith('dist/'))
      .filter((file) => !files.has(file.replace(/^dist\//, 'src/').replace(/(?:\.d)?\.(?:js|ts)(?:\.map)?$/, '.ts')));
    expect(orphans).toEqual([]);
  });

  it('ships no tests and no build state', () => {
    const shipped = [...get(name).files].filter((file) => /(?:^|\/)tests?\/|\.tsbuildinfo$|\.test\.[jt]s$/.test(file));
    expect(shipped).toEqual([]);
  });
});

describe('the packed eslint-plugin README', () => {
  it('names every rule of the plugin', () => {
    const ruleNames = readdirSync(join(ROOT, 'packages/eslint-plugin/src/rules'))
      .filter((file) => file.endsWith('.ts') && file !== 'index.ts')
      .map((file) => file.replace(/\.ts$/, ''));
    expect(ruleNames.length).toBeGreaterThan(0);
    for (const rule of ruleNames) expect(existsSync(join(ROOT, 'rules-docs', `${rule}.md`))).toBe(true);
    const readme = readFileSync(join(get('eslint-plugin').dir, 'README.md'), 'utf8');
    const missing = ruleNames.filter((rule) => !readme.includes(`[\`${rule}\`](${REPOSITORY_URL}/blob/main/rules-docs/${rule}.md)`));
    expect(missing).toEqual([]);
  });
});
