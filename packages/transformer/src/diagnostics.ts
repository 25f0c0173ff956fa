import type * as TS from 'typescript';

/** Where diagnostics go: ts-patch's `extras.addDiagnostic`, or a list in tests. */
export interface DiagnosticSink {
  add(diagnostic: TS.Diagnostic): void;
}

/**
 * Codes, so users can search for them:
 * - MLXA001: TypeScript version without a JavaScript transformer API (7 and later).
 * - MLXA002: invalid plugin options.
 * - MLXA003: the transformer failed on a file (the file is emitted unchanged).
 * - MLXA101: a call the transformer leaves uninstrumented (a warning, reported with `"warnings": true` only).
 */
export type DiagnosticCode = 'MLXA001' | 'MLXA002' | 'MLXA003' | 'MLXA101';

/** TypeScript wants numeric codes; ours are 990000 + the number after MLXA. */
function numeric(code: DiagnosticCode): number {
  return 990000 + Number(code.slice(4));
}

export function error(ts: typeof TS, code: DiagnosticCode, message: string, file?: TS.SourceFile): TS.Diagnostic {
  return {
    category: ts.DiagnosticCategory.Error,
    code: numeric(code),
    file,
    start: file === undefined ? undefined : 0,
    length: file === undefined ? undefined : 0,
    messageText: `${code}: ${message}`,
    source: 'mlx-audit',
  };
}

export function warning(ts: typeof TS, file: TS.SourceFile, node: TS.Node, code: DiagnosticCode, message: string): TS.Diagnostic {
  const start = node.getStart(file);
  return {
    category: ts.DiagnosticCategory.Warning,
    code: numeric(code),
    file,
    start,
    length: node.getEnd() - start,
    messageText: `${code}: ${message}`,
    source: 'mlx-audit',
  };
}
