import type { RuleOptions } from '@mlx-audit/monitor';
import { sigmaExport, type RuleExport } from '@mlx-audit/monitor/sigma';
import { MonitorConfigError, readMonitorConfig } from '../monitor-config.js';
import { firstSentence, parseCommandArgs, type Command } from './command.js';

// `mlx-audit rules`: the monitor's rules, each with its Sigma file or why Sigma cannot express
// it, and with --sigma the export itself. The mapping to Sigma is the monitor's
// (`@mlx-audit/monitor/sigma`); this file is the command line.

const USAGE = `mlx-audit rules [--config F] [--sigma DIR [--force]]
    Lists every rule of the monitor: its id, severity and family, and its Sigma file, or why
    Sigma cannot express it (an approximation says how it differs).
    --config F   the rules' options, a JSON file ({ "burnRate": { "objective": 0.999 } }, the
                 options createMonitor takes); an unknown option or a bad value is an error
    --sigma DIR  writes one Sigma file per exported rule (a correlation and its detection rule
                 in one multi-document .yml, as sigma-cli reads them) and a README.md of the
                 export into DIR, made if missing (in a directory that exists)
    --force      writes into a DIR that has files, replacing an earlier export's
    Exit 0 done, 2 bad arguments or configuration, a DIR that has files (without --force) or
    cannot be written.`;

export const rulesCommand: Command = {
  name: 'rules',
  usage: USAGE,
  async run(argv) {
    const parsed = parseCommandArgs(this, {
      args: [...argv],
      options: { config: { type: 'string' }, sigma: { type: 'string' }, force: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    });
    if (typeof parsed === 'number') return parsed;
    const { values } = parsed;
    let options: RuleOptions = {};
    let listing: RuleExport[];
    try {
      if (values.config !== undefined) options = await readMonitorConfig(values.config);
      listing = sigmaExport(options);
    } catch (error) {
      if (!(error instanceof MonitorConfigError || error instanceof TypeError)) throw error;
      return fail(error.message);
    }
    if (values.sigma === undefined) {
      process.stdout.write(forPeople(listing));
      return 0;
    }
    return exportTo(values.sigma, values.force, listing, options);
  },
};

async function exportTo(directory: string, force: boolean, listing: readonly RuleExport[], options: RuleOptions): Promise<number> {
  // The YAML writer is loaded by the export alone: listing, and the other commands, do without it.
  const { occupied, writeSigmaExport } = await import('./rules-sigma.js');
  try {
    const present = await occupied(directory);
    if (present !== undefined && !force) return fail(`${directory} is not empty (${present.slice(0, 3).join(', ')}${present.length > 3 ? ', ...' : ''}): name a new or empty directory, or add --force to replace an earlier export there`);
    const written = await writeSigmaExport(directory, listing, options);
    for (const file of written) process.stdout.write(`${file}\n`);
    process.stdout.write(`${summary(listing)}: written to ${directory}\n`);
    return 0;
  } catch (error) {
    return fail(`cannot write ${directory}: ${(error as NodeJS.ErrnoException).code ?? firstSentence(error)}`);
  }
}

function fail(message: string): number {
  process.stderr.write(`mlx-audit rules: ${message}\n`);
  return 2;
}

/** One line per rule (id, severity, family, its Sigma file or "not exported"), the reason indented below where there is one. */
function forPeople(listing: readonly RuleExport[]): string {
  const width = (pick: (rule: RuleExport) => string): number => Math.max(...listing.map((rule) => pick(rule).length));
  const [id, severity, family] = [width((rule) => rule.id), width((rule) => rule.severity), width((rule) => rule.family)];
  const lines = listing.flatMap((rule) => {
    const head = `${rule.id.padEnd(id)}  ${rule.severity.padEnd(severity)}  ${rule.family.padEnd(family)}  `;
    if (!rule.exported) return [`${head}not exported`, `    ${rule.reason}`];
    const { file, approximation } = rule.sigma;
    return approximation === undefined ? [`${head}${file}`] : [`${head}${file} (approximation)`, `    ${approximation}`];
  });
  return `${lines.join('\n')}\n${summary(listing)}\n`;
}

function summary(listing: readonly RuleExport[]): string {
  const exported = listing.filter((rule) => rule.exported);
  const approximations = exported.filter((rule) => rule.sigma.approximation !== undefined).length;
  return `${listing.length} rules: ${exported.length} exported to Sigma (${approximations} as approximations), ${listing.length - exported.length} not`;
}
