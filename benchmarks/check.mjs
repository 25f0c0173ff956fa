// pnpm bench:check: the figures of the last run (benchmarks/results/results.json, or the file
// given) against the goals. Exit code 0: every goal met; 1: some missed (each printed, with by
// how much: over a maximum, under a minimum); 2: no complete results to check.
import { readFileSync } from 'node:fs';
import { checkGoals } from './lib/check.mjs';
import { RESULTS_FILE } from './lib/paths.mjs';
import { formatValue } from './lib/render.mjs';

const file = process.argv[2] ?? RESULTS_FILE;
try {
  const verdicts = checkGoals(JSON.parse(readFileSync(file, 'utf8')));
  for (const verdict of verdicts) {
    const side = verdict.goal.kind === 'max' ? 'over' : 'under';
    const by = verdict.pass ? '' : Number.isFinite(verdict.missedBy) ? ` (${side} by ${(verdict.missedBy * 100).toFixed(0)}%)` : ` (${side})`;
    const resolution = verdict.resolved ? '' : ` — not resolved: the A/A control reads up to ${formatValue(verdict.resolution ?? 0, verdict.unit)}`;
    console.log(`${verdict.pass ? 'met   ' : 'MISSED'} ${verdict.id}: ${formatValue(verdict.median, verdict.unit)}, goal ${verdict.goal.text}${by}${resolution}`);
  }
  const missed = verdicts.filter((verdict) => !verdict.pass).length;
  console.log(missed === 0 ? `every goal met (${verdicts.length})` : `${missed} of ${verdicts.length} goals missed`);
  process.exitCode = missed === 0 ? 0 : 1;
} catch (error) {
  console.error(`bench:check: ${error instanceof Error ? error.message : String(error)} (run pnpm bench first)`);
  process.exitCode = 2;
}
