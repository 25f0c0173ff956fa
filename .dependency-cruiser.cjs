/* global module */
// Which folder may import which: `pnpm lint` runs `depcruise` with these rules over every package's
// src/ (README, "Repository layout"). Imports run one way: in the plugin, rules → taint → logging →
// program → util; across packages, the catalogue and the runtime import no other workspace package,
// the plugin never imports the runtime, the monitor imports only the runtime, and nothing imports
// the CLI.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'A module that imports itself through others cannot be read, tested or loaded on its own.',
      from: { path: '^packages/[^/]+/src/' },
      to: { circular: true },
    },
    {
      name: 'catalogue-imports-no-workspace-package',
      severity: 'error',
      comment: 'Every package reads the catalogue; it reads none of them.',
      from: { path: '^packages/catalogue/src/' },
      to: { path: '^packages/(?!catalogue/)' },
    },
    {
      name: 'runtime-imports-no-workspace-package',
      severity: 'error',
      comment: 'The runtime ships in production programs: nothing of the build or lint tools comes with it.',
      from: { path: '^packages/runtime/src/' },
      to: { path: '^packages/(?!runtime/)' },
    },
    {
      name: 'plugin-never-imports-the-runtime',
      severity: 'error',
      comment: 'The plugin knows the runtime by its catalogue entries (auditEvent), never by loading it.',
      from: { path: '^packages/eslint-plugin/src/' },
      to: { path: '^packages/(runtime|transformer)/' },
    },
    {
      name: 'transformer-imports-catalogue-and-runtime-contract',
      severity: 'error',
      comment: 'Emitted code calls the runtime; the transformer itself only needs the contract (names, descriptor types).',
      from: { path: '^packages/transformer/src/' },
      to: { path: '^packages/(eslint-plugin/|runtime/(?!(dist|src)/contract\\.))' },
    },
    {
      name: 'monitor-imports-only-the-runtime',
      comment: 'The rules read the trail in the runtime\'s format; they run in production programs (watch) and in the CLI, never in a build or a lint.',
      severity: 'error',
      from: { path: '^packages/monitor/src/' },
      to: { path: '^packages/(?!(monitor|runtime)/)' },
    },
    {
      name: 'nothing-imports-the-cli',
      severity: 'error',
      comment: 'The mlx-audit command is the top: it runs the other packages, none of them runs it.',
      from: { path: '^packages/(?!cli/)[^/]+/src/' },
      to: { path: '^packages/cli/' },
    },
    {
      name: 'src-imports-no-tests',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/' },
      to: { path: '^packages/[^/]+/tests/' },
    },
    {
      name: 'plugin-nothing-below-imports-a-rule',
      severity: 'error',
      comment: 'Rules are leaves: what two rules share lives in taint/, logging/, program/ or util/.',
      from: { path: '^packages/eslint-plugin/src/(taint|logging|program|util)/' },
      to: { path: '^packages/eslint-plugin/src/(rules|configs|index\\.ts)' },
    },
    {
      name: 'plugin-logging-below-taint',
      severity: 'error',
      comment: 'What a log call is does not depend on the data-flow analysis.',
      from: { path: '^packages/eslint-plugin/src/(logging|program|util)/' },
      to: { path: '^packages/eslint-plugin/src/taint/' },
    },
    {
      name: 'plugin-program-below-logging',
      severity: 'error',
      comment: 'Per-program services (checker, matcher, type facts) know nothing of logs.',
      from: { path: '^packages/eslint-plugin/src/(program|util)/' },
      to: { path: '^packages/eslint-plugin/src/logging/' },
    },
    {
      name: 'plugin-util-at-the-bottom',
      severity: 'error',
      from: { path: '^packages/eslint-plugin/src/util/' },
      to: { path: '^packages/eslint-plugin/src/program/' },
    },
  ],
  options: {
    includeOnly: '^packages/[^/]+/(src|dist)/',
    exclude: { path: '(^|/)node_modules/' },
    // Another package is read through its exports (dist/), and not followed further.
    doNotFollow: { path: '^packages/[^/]+/dist/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'], extensions: ['.ts', '.js', '.d.ts'] },
  },
};
