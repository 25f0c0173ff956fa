import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ts from 'typescript';
import { createMatcher, type BindingMatch, type CatalogueMatcher, type MatcherOptions } from '../src/index.js';

/** Virtual files live here, so that `@frost-beta/mlx` resolves from the catalogue's node_modules. */
export const VIRTUAL_ROOT = join(dirname(fileURLToPath(import.meta.url)), '__virtual__');

export interface TestProject {
  readonly program: ts.Program;
  readonly matcher: CatalogueMatcher;
  /** Matches the first call, `new` or property access in `file` whose text is `text`. */
  matchText(text: string, file?: string): BindingMatch | undefined;
}

/**
 * Builds a real program over in-memory files against the installed MLX declarations.
 * Fails the test on any diagnostic in the virtual files, so cases stay honest TypeScript.
 */
export function createProject(
  files: Record<string, string>,
  options: { compilerOptions?: ts.CompilerOptions; matcher?: MatcherOptions; root?: string } = {},
): TestProject {
  const root = options.root ?? VIRTUAL_ROOT;
  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: [],
    noEmit: true,
    esModuleInterop: true,
    skipLibCheck: true,
    ...options.compilerOptions,
  };
  const virtual = new Map(Object.entries(files).map(([name, text]) => [join(root, name), text]));
  const host = ts.createCompilerHost(compilerOptions);
  const getSourceFile = host.getSourceFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const readFile = host.readFile.bind(host);
  const directoryExists = host.directoryExists?.bind(host);
  const virtualDirectories = new Set([...virtual.keys()].map((fileName) => dirname(fileName)));
  host.directoryExists = (path) => virtualDirectories.has(path) || (directoryExists?.(path) ?? true);
  host.getSourceFile = (fileName, language, ...rest) => {
    const text = virtual.get(fileName);
    return text === undefined ? getSourceFile(fileName, language, ...rest) : ts.createSourceFile(fileName, text, language);
  };
  host.fileExists = (fileName) => virtual.has(fileName) || fileExists(fileName);
  host.readFile = (fileName) => virtual.get(fileName) ?? readFile(fileName);
  const program = ts.createProgram([...virtual.keys()], compilerOptions, host);
  const problems = [...virtual.keys()].flatMap((fileName) => {
    const sourceFile = program.getSourceFile(fileName);
    return sourceFile === undefined ? [`${fileName} not loaded`] : [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)].map(
      (diagnostic) => `${fileName}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`,
    );
  });
  if (problems.length > 0) throw new Error(`Test project does not type-check:\n${problems.join('\n')}`);
  const matcher = createMatcher(ts, program, { projectRoot: root, ...options.matcher });
  const firstFile = Object.keys(files)[0] ?? '';
  return {
    program,
    matcher,
    matchText(text, file = firstFile) {
      const sourceFile = program.getSourceFile(join(root, file));
      if (sourceFile === undefined) throw new Error(`no file ${file}`);
      const node = findNode(sourceFile, text);
      if (node === undefined) throw new Error(`no call, new or property access '${text}' in ${file}`);
      return matcher.match(node);
    },
  };
}

function findNode(sourceFile: ts.SourceFile, text: string): ts.Node | undefined {
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (found !== undefined) return;
    const candidate =
      ts.isCallExpression(node) || ts.isNewExpression(node) || ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node);
    if (candidate && node.getText(sourceFile) === text) found = node;
    else ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return found;
}

/** The bits of a match a test compares: id, kind, use and argument roles. */
export function summary(match: BindingMatch | undefined): unknown {
  if (match === undefined) return undefined;
  return {
    id: match.id,
    member: match.member,
    kind: match.kind,
    usage: match.usage,
    roles: match.arguments.map((argument) => `${argument.parameter ?? '?'}:${argument.role}${argument.spread ? '...' : ''}`),
  };
}
