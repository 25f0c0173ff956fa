import { isPathModule, remember, workspacePackageOfFile, type CatalogueMatcher, type JsonSchema } from '@mlx-audit/catalogue';
import { isAbsolute } from 'node:path';
import type * as TS from 'typescript';

/** A function by where it is declared: `{ module: 'pino', name: 'pino' }`, `{ name: 'getSecret' }`. */
export interface FunctionSpecifier {
  /** A package name, or a path relative to the project root; omitted, any module. */
  readonly module?: string;
  /** `fn`, `Class#method` or `Class.staticMethod`. */
  readonly name: string;
}

/** Methods of objects of a type: `{ type: 'AuditTrail', module: '@acme/audit', methods: ['record'] }`. */
export interface TypeSinkSpecifier {
  /** A package name or a path relative to the project root; omitted, any module. */
  readonly module?: string;
  /** The declared name of the class, interface or type alias. */
  readonly type: string;
  /** The methods that log; omitted, all of them. */
  readonly methods?: readonly string[];
}

const moduleSchema: JsonSchema = {
  type: 'string',
  minLength: 1,
  description: 'A package name or a path relative to the project root; any module when omitted.',
};

export const functionSpecifierSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    module: moduleSchema,
    name: { type: 'string', minLength: 1, description: 'fn, Class#method or Class.staticMethod.' },
  },
};

export const typeSinkSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['type'],
  properties: {
    module: moduleSchema,
    type: { type: 'string', minLength: 1, description: 'The declared name of the class, interface or type alias.' },
    methods: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'The methods that log; all when omitted.' },
  },
};

/** Whether a declaration is the function a specifier names (by declared name and module). */
export function matchesSpecifier(ts: typeof TS, matcher: CatalogueMatcher, declaration: TS.Declaration, specifier: FunctionSpecifier): boolean {
  if (matcher.declarationLabel(declaration) !== specifier.name) return false;
  if (specifier.module === undefined) return true;
  const key = moduleKeyOf(ts, matcher, declaration);
  if (key === matcher.moduleKeyOfSpecifier(specifier.module)) return true;
  // A workspace package linked by path (`@mlx-audit/runtime` in a pnpm workspace) is keyed by its
  // path outside the project: it is still the package the specifier names.
  return isAbsolute(key) && !isPathModule(specifier.module) && workspacePackageOfFile(declaration.getSourceFile().fileName) === specifier.module;
}

/** The module a declaration belongs to; inside an ambient `declare module 'x' { … }`, that is `x`. */
function moduleKeyOf(ts: typeof TS, matcher: CatalogueMatcher, declaration: TS.Node): string {
  const ambient = ts.findAncestor(declaration.parent, (node) => ts.isModuleDeclaration(node) && ts.isStringLiteral(node.name));
  if (ambient !== undefined && ts.isModuleDeclaration(ambient)) return ambient.name.text;
  return matcher.moduleKeyOfFile(declaration.getSourceFile().fileName);
}

const configuredAnswers = new WeakMap<CatalogueMatcher, WeakMap<readonly FunctionSpecifier[], WeakMap<TS.Declaration, boolean> | null> | null>();

/**
 * Whether a declaration is one of the functions `specifiers` name. Kept per matcher, list and
 * declaration: the taint analyses ask it of every call they evaluate, for two lists.
 */
export function isConfigured(ts: typeof TS, matcher: CatalogueMatcher, declaration: TS.Declaration, specifiers: readonly FunctionSpecifier[]): boolean {
  if (specifiers.length === 0) return false;
  const byList = remember(configuredAnswers, matcher, () => new WeakMap<readonly FunctionSpecifier[], WeakMap<TS.Declaration, boolean> | null>());
  const answers = remember(byList, specifiers, () => new WeakMap<TS.Declaration, boolean>());
  let answer = answers.get(declaration);
  if (answer === undefined) {
    answer = specifiers.some((specifier) => matchesSpecifier(ts, matcher, declaration, specifier));
    answers.set(declaration, answer);
  }
  return answer;
}

/** Whether a call's receiver is of a type a specifier names, and the method is one it lists. */
export function matchesTypeSink(ts: typeof TS, matcher: CatalogueMatcher, receiverType: TS.Type, method: string, specifier: TypeSinkSpecifier): boolean {
  if (specifier.methods !== undefined && !specifier.methods.includes(method)) return false;
  const parts = receiverType.isUnion() ? receiverType.types : [receiverType];
  return parts.some((part) =>
    [part.aliasSymbol, part.getSymbol()].some((symbol) => {
      const declaration = symbol?.declarations?.[0];
      if (symbol === undefined || declaration === undefined || symbol.name !== specifier.type) return false;
      return specifier.module === undefined || moduleKeyOf(ts, matcher, declaration) === matcher.moduleKeyOfSpecifier(specifier.module);
    }),
  );
}
