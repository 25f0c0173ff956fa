// Build cost: `tsc` against `tspc` with the mlx-audit transformer, whole process, on the lint
// corpus, and `tspc` with no plugin: what ts-patch itself costs (it patches TypeScript in memory
// on every run), apart from what the transformer adds. All emit JavaScript; runs alternate, each
// into a freshly emptied output folder.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { prepareCorpus } from './lib/corpus.mjs';
import { MeasurementError, runNode } from './lib/measure.mjs';
import { binPath } from './lib/paths.mjs';
import { figure, progress, runScenario } from './lib/results.mjs';
import { CORPUS_SEED, benchSettings } from './lib/settings.mjs';
import { paired } from './lib/stats.mjs';

/**
 * How many emitted files import the runtime, and how many call sites they register.
 * @param {string} directory
 */
export function countInstrumentation(directory) {
  let files = 0;
  let sites = 0;
  for (const entry of readdirSync(directory, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.js')) continue;
    const text = readFileSync(join(entry.parentPath, entry.name), 'utf8');
    if (!text.includes('@mlx-audit/runtime/instrument')) continue;
    files++;
    // One table per file (`sites(file, rows)`), each site then named from it: `__mlxa_site_3_1 = __mlxa_sites_1[3]`.
    sites += text.match(/__mlxa_site_\d+(?:_\d+)? = __mlxa_sites(?:_\d+)?\[\d+\]/g)?.length ?? 0;
  }
  return { files, sites };
}

await runScenario('build', async ({ quick }, notes) => {
  const settings = benchSettings(quick);
  const compilers = { tsc: binPath('typescript', 'tsc'), tspc: binPath('ts-patch', 'tspc') };
  /** @type {import('./lib/results.mjs').Figure[]} */
  const figures = [];
  for (const size of /** @type {const} */ (['small', 'large'])) {
    const files = settings.corpus[size];
    const corpus = prepareCorpus(files, CORPUS_SEED);
    // The corpus's own options, through tspc, without the transformer.
    const patchedProject = join(corpus, 'tsconfig.patched.json');
    writeFileSync(patchedProject, `${JSON.stringify({ extends: './tsconfig.json', compilerOptions: { outDir: 'dist-patched' } }, null, 2)}\n`);
    const variants = {
      tsc: { bin: compilers.tsc, project: join(corpus, 'tsconfig.json'), out: join(corpus, 'dist') },
      'tspc-alone': { bin: compilers.tspc, project: patchedProject, out: join(corpus, 'dist-patched') },
      tspc: { bin: compilers.tspc, project: join(corpus, 'tsconfig.audited.json'), out: join(corpus, 'dist-audited') },
    };
    /** @type {Record<string, number[]>} */
    const wall = { tsc: [], 'tspc-alone': [], tspc: [] };
    /** @type {Record<string, number[]>} */
    const rss = { tsc: [], 'tspc-alone': [], tspc: [] };
    for (let rep = 0; rep < settings.buildReps[size]; rep++) {
      for (const [name, variant] of Object.entries(variants)) {
        const label = `${name} on ${files} files, run ${rep + 1}`;
        progress(label);
        rmSync(variant.out, { recursive: true, force: true });
        const run = runNode({ label, args: [variant.bin, '-p', variant.project, '--pretty', 'false'] });
        // Zero diagnostics: no error, and no transformer warning either.
        if (run.stdout.trim() !== '') throw new MeasurementError(`${label} reported diagnostics:\n${run.stdout.slice(0, 4000)}`);
        wall[name]?.push(run.wallMs / 1000);
        rss[name]?.push(run.maxRssKb / 1024);
      }
    }
    const plain = countInstrumentation(variants.tsc.out);
    if (countInstrumentation(variants['tspc-alone'].out).files !== 0) throw new MeasurementError('tspc without the plugin imports the runtime: the plugin ran');
    const audited = countInstrumentation(variants.tspc.out);
    if (plain.files !== 0) throw new MeasurementError(`tsc output imports the runtime in ${plain.files} files`);
    if (audited.sites === 0) throw new MeasurementError(`tspc output of the ${files}-file corpus has no instrumented call site: the transformer did not run`);
    notes.push(`${files} files: the transformer instrumented ${audited.sites} call sites in ${audited.files} files.`);
    for (const name of /** @type {const} */ (['tsc', 'tspc'])) {
      const what = name === 'tsc' ? 'tsc' : 'tspc with the transformer';
      figures.push(figure(`build.${size}.${name}.time`, `${what}, ${files} files: wall time`, 's', wall[name] ?? []));
      figures.push(figure(`build.${size}.${name}.rss`, `${what}, ${files} files: peak RSS`, 'MB', rss[name] ?? []));
    }
    figures.push(figure(`build.${size}.tspc-over-tsc`, `Build of ${files} files: tspc with the transformer ÷ tsc`, '×', paired(wall.tspc ?? [], wall.tsc ?? [], (a, b) => a / b)));
    figures.push(figure(`build.${size}.tspc-alone-over-tsc`, `Build of ${files} files: tspc without a plugin ÷ tsc (ts-patch's own cost)`, '×', paired(wall['tspc-alone'] ?? [], wall.tsc ?? [], (a, b) => a / b)));
    figures.push(figure(`build.${size}.transformer-over-tspc-alone`, `Build of ${files} files: tspc with the transformer ÷ tspc without a plugin`, '×', paired(wall.tspc ?? [], wall['tspc-alone'] ?? [], (a, b) => a / b)));
  }
  notes.push('Each build is a fresh `node` process running the `tsc` or `tspc` bin (ts-patch patches TypeScript in memory on every run, a cost users pay too), emitting into an emptied folder; MLX\'s shipped .ts sources are type-checked in both.');
  return figures;
});
