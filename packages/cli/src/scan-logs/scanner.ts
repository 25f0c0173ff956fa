import type { LogFindingKind } from './kinds.js';
import { readCappedLines } from './line-reader.js';
import { errorCode, findLogFiles, LogFileError, type SkippedFile } from './log-files.js';
import { RecordAssembler } from './records.js';
import { scanLine } from './scan-line.js';

// Log files through the detectors: each file streamed a line at a time (constant memory), lines
// assembled into records, each record scanned, each finding handed over as it is found.

export interface LogFinding {
  readonly file: string;
  /** 1-based line of the file. */
  readonly line: number;
  readonly kind: LogFindingKind;
  /** The line with what was found replaced by `[REDACTED:<kind>]`; never the found value itself. */
  readonly excerpt: string;
}

export interface ScanSummary {
  /** Files scanned (not those skipped). */
  readonly files: number;
  readonly lines: number;
  readonly bytes: number;
  readonly findings: number;
  /** Findings by kind, for the kinds found. */
  readonly byKind: Readonly<Partial<Record<LogFindingKind, number>>>;
  /** Lines longer than MAX_LINE_BYTES: only their beginning was examined. */
  readonly cutLines: number;
  /** Files named or found in a directory that were not scanned, with the reason (compressed, binary, a subdirectory). */
  readonly skipped: readonly SkippedFile[];
}

/**
 * Scans the files, and the files of the directories (not their subdirectories), calling
 * `onFinding` for each finding in file and line order. Rejects with LogFileError, before any
 * finding, for a path that is missing or cannot be read, and with it too if a file cannot be
 * read to its end.
 */
export async function scanLogFiles(paths: readonly string[], onFinding: (finding: LogFinding) => void): Promise<ScanSummary> {
  const { files, skipped } = await findLogFiles(paths);
  const byKind: Partial<Record<LogFindingKind, number>> = {};
  let lines = 0;
  let bytes = 0;
  let findings = 0;
  let cutLines = 0;
  for (const file of files) {
    const records = new RecordAssembler((text, firstLine) => {
      for (const finding of scanLine(text)) {
        findings++;
        byKind[finding.kind] = (byKind[finding.kind] ?? 0) + 1;
        onFinding({ file, line: firstLine + finding.line - 1, kind: finding.kind, excerpt: finding.excerpt });
      }
    });
    let line = 0;
    try {
      bytes += await readCappedLines(file, (text, cut) => {
        if (cut) cutLines++;
        records.push(text, ++line);
      });
    } catch (error) {
      // The file's read failing (not a finding's handler: its error is its own).
      if (typeof (error as NodeJS.ErrnoException).code === 'string') throw new LogFileError(file, errorCode(error));
      throw error;
    }
    records.end();
    lines += line;
  }
  return { files: files.length, lines, bytes, findings, byKind, cutLines, skipped };
}
