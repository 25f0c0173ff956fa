import { toJsonLine } from '@mlx-audit/runtime';
import { LOG_FINDING_KINDS, LogFileError, MAX_LINE_BYTES, scanLogFiles, type LogFinding, type ScanSummary } from '../scan-logs/index.js';
import { neutralize } from '../scan-logs/redact.js';
import { plural } from '../words.js';
import { parseCommandArgs, usageError, type Command } from './command.js';

// `mlx-audit scan-logs`: the command line over scanLogFiles (src/scan-logs/): arguments, the
// findings for people or for machines, the summary, the exit code.

const USAGE = `mlx-audit scan-logs <files or directories>... [--json]
    Scans an application's own logs (JSON lines or text: pino, winston, bunyan, console output)
    for what no-tainted-log keeps out of them: MLX array renderings, runs of floats, token-id
    lists, prompts next to a model key, API keys, bearer tokens, e-mail and IP addresses. One line
    per finding (file:line, kind, the line with what was found redacted), then a summary. A
    directory's files are scanned, not its subdirectories; compressed files are skipped (stderr).
    --json   one finding per line, {"file","line","kind","excerpt"}; nothing else on stdout
    Exit 0 nothing found, 1 findings, 2 cannot read (bad arguments, a missing or unreadable file,
    nothing to scan).`;

export const scanLogsCommand: Command = {
  name: 'scan-logs',
  usage: USAGE,
  async run(argv) {
    const parsed = parseCommandArgs(this, {
      args: [...argv],
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    });
    if (typeof parsed === 'number') return parsed;
    const { values, positionals } = parsed;
    if (positionals.length === 0) return usageError(this, 'no log given: name its files or its directory');
    // Excerpts are neutralised by the scanner; a file name may hold a control character too.
    const report = values.json ? (finding: LogFinding) => toJsonLine({ file: finding.file, line: finding.line, kind: finding.kind, excerpt: finding.excerpt }) : (finding: LogFinding) => `${neutralize(finding.file)}:${finding.line}  ${finding.kind}  ${finding.excerpt}\n`;
    let summary: ScanSummary;
    try {
      summary = await scanLogFiles(positionals, (finding) => process.stdout.write(report(finding)));
    } catch (error) {
      if (!(error instanceof LogFileError)) throw error;
      process.stderr.write(`mlx-audit scan-logs: ${neutralize(error.message)}\n`);
      return 2;
    }
    for (const note of notes(summary)) process.stderr.write(`mlx-audit scan-logs: ${note}\n`);
    // Directories of compressed or binary files only: nothing read is not "nothing found".
    if (summary.files === 0) {
      process.stderr.write(`mlx-audit scan-logs: no log file to scan in ${positionals.map(neutralize).join(', ')}\n`);
      return 2;
    }
    if (!values.json) process.stdout.write(`${summaryLine(summary)}\n`);
    return summary.findings > 0 ? 1 : 0;
  },
};

/** `3 findings (2 email, 1 api-key): 2 files, 1200 lines scanned`, kinds in the order of LOG_FINDING_KINDS. */
function summaryLine(summary: ScanSummary): string {
  const scanned = `${plural(summary.files, 'file')}, ${plural(summary.lines, 'line')} scanned`;
  if (summary.findings === 0) return `no finding: ${scanned}`;
  const kinds = LOG_FINDING_KINDS.flatMap((kind) => (summary.byKind[kind] === undefined ? [] : [`${summary.byKind[kind]} ${kind}`]));
  return `${plural(summary.findings, 'finding')} (${kinds.join(', ')}): ${scanned}`;
}

/** What was not scanned, for stderr: skipped files, lines examined only in part. */
function notes(summary: ScanSummary): string[] {
  const skipped = summary.skipped.map(({ file, reason }) => `skipped ${neutralize(file)}: ${reason}`);
  if (summary.cutLines === 0) return skipped;
  return [...skipped, `${plural(summary.cutLines, 'line')} longer than ${MAX_LINE_BYTES / 1024} KiB: only the first ${MAX_LINE_BYTES / 1024} KiB of each examined`];
}
