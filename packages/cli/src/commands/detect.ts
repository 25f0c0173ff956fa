import { createMonitor, type Alert } from '@mlx-audit/monitor';
import { neutralizeEvent, toJsonLine } from '@mlx-audit/runtime';
import { severityWord } from '../severity.js';
import { MonitorConfigError, ruleOptionsFrom } from '../monitor-config.js';
import { Detection, parseSince, trailFiles } from '../trail-reading.js';
import { alertsText } from '../words.js';
import { verifyInThread } from '../verify-thread/index.js';
import { firstSentence, parseCommandArgs, usageError, type Command } from './command.js';

// `mlx-audit detect`: the detection rules of `@mlx-audit/monitor` over trail files. The rules are
// the monitor's and the file order is the runtime's (`findTrails`); this file reads the lines, one
// at a time, and is the command line: arguments, the alerts for people or for machines, the exit code.

const USAGE = `mlx-audit detect <files or directories>... [--json] [--since T] [--live] [--config F]
    Runs the monitor's rules over audit trails, rotated files included, oldest first, line by
    line, and verifies their hash chain: one line per alert (time, severity, rule, reason, key
    fields), then a summary. A line that is not a JSON object is skipped and counted on stderr.
    --json      one alert per line, the event the monitor makes (as in the process); nothing else on stdout
    --since T   leave out events whose @timestamp is earlier than T (ISO 8601: 2026-03-01, or
                2026-03-01T12:00:00Z with Z or an offset); events without a readable @timestamp are kept
                (the chain is verified whole)
    --live      the trails are being written (a running service): the newest run of each trail
                is not yet stopped, and its lines after the last seal are not yet sealed
    --config F  the rules' options, a JSON file ({ "burnRate": { "objective": 0.999 } }: the
                options watch() takes in the process); an unknown or invalid option is an error
    Exit 0 no alert, 1 alerts, 2 cannot read (bad arguments, a missing or unreadable file).`;

/** The fields an alert line shows, where the alert has them. */
const KEY_FIELDS = ['service.name', 'client.id', 'mlx.binding', 'process.pid', 'mlx_audit.run', 'file.path', 'file.hash.sha256', 'url.domain', 'log.file.path'] as const;

export const detectCommand: Command = {
  name: 'detect',
  usage: USAGE,
  async run(argv) {
    const parsed = parseCommandArgs(this, {
      args: [...argv],
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, since: { type: 'string' }, live: { type: 'boolean', default: false }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    if (positionals.length === 0) return usageError(this, 'no trail given: name its files or its directory');
    let since: number | undefined;
    if (values.since !== undefined) {
      since = parseSince(values.since);
      if (since === undefined) return usageError(this, `--since takes an ISO 8601 time such as 2026-03-01T12:00:00Z, not '${values.since}'`);
    }
    const options = await ruleOptionsFrom(values.config);
    if (options instanceof MonitorConfigError) return usageError(this, options.message);
    const files = await trailFiles(positionals);
    if (typeof files === 'string') return cannotRead(files);
    // The chain is verified alongside, on a thread of its own: the verifier reads the files on its
    // own, in constant memory.
    const verification = verifyInThread({ files: files.trails.flatMap((trail) => trail.files), live: values.live });

    // An alert quotes the trail's strings (a file path may hold a control character): as JSON, the
    // runtime's line form escapes what JSON.stringify leaves raw; for people, each is written out.
    const report = values.json ? (alert: Alert) => toJsonLine(alert) : (alert: Alert) => forPeople(neutralizeEvent(alert) as Alert);
    const tally = new Tally();
    const detection = new Detection(createMonitor(options), since, (alert) => {
      tally.add(alert);
      process.stdout.write(report(alert));
    });
    for (const trail of files.trails) {
      for (const file of trail.files) {
        try {
          await detection.readFile(file);
        } catch (error) {
          return cannotRead(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? firstSentence(error)}`);
        }
      }
      detection.endTrail(values.live);
    }
    detection.end((await verification).verification.problems);
    if (!values.json) process.stdout.write(`${tally.summary()}: ${detection.summary(files.trails.reduce((sum, trail) => sum + trail.files.length, 0))}\n`);
    for (const note of [...files.skipped.map(({ file, reason }) => `skipped ${file}: ${reason}`), ...detection.notes()]) process.stderr.write(`mlx-audit detect: ${note}\n`);
    return tally.alerts > 0 ? 1 : 0;
  },
};

function cannotRead(message: string): number {
  process.stderr.write(`mlx-audit detect: ${message}\n`);
  return 2;
}

/** Alerts counted by severity word, for the summary and the exit code. */
class Tally {
  alerts = 0;
  readonly #bySeverity = new Map<string, number>();

  add(alert: Alert): void {
    this.alerts++;
    const word = severityWord(alert['event.severity']);
    this.#bySeverity.set(word, (this.#bySeverity.get(word) ?? 0) + 1);
  }

  summary(): string {
    return alertsText(this.#bySeverity);
  }
}

/** One line: time, severity word, rule id, reason, then the key fields it carries. */
function forPeople(alert: Alert): string {
  const fields = KEY_FIELDS.flatMap((field) => {
    const value = alert[field];
    if (value === undefined || value === null) return [];
    const shown = typeof value === 'string' || typeof value === 'number' ? String(value) : JSON.stringify(value);
    return [`${field}=${field === 'file.hash.sha256' && shown.length > 16 ? `${shown.slice(0, 12)}…` : shown}`];
  });
  return `${alert['@timestamp']} ${severityWord(alert['event.severity'])} ${alert['rule.id']}: ${alert['event.reason']}${fields.length > 0 ? ` [${fields.join(' ')}]` : ''}\n`;
}
