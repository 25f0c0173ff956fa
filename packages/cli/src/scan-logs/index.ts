// `mlx-audit scan-logs`: an application's own logs scanned for what `no-tainted-log` keeps out of
// them at build time. The command is commands/scan-logs.ts; this is its API (for the benchmark).

export { KIND_DESCRIPTIONS, LOG_FINDING_KINDS, type LogFindingKind } from './kinds.js';
export { scanLine, type LineFinding } from './scan-line.js';
export { scanLogFiles, type LogFinding, type ScanSummary } from './scanner.js';
export { LogFileError, type SkippedFile } from './log-files.js';
export { MAX_LINE_BYTES } from './line-reader.js';
export { MAX_EXCERPT_CHARS } from './redact.js';
