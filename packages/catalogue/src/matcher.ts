import type * as TS from 'typescript';
import { MLX_CATALOGUE, MLX_PACKAGE } from './entries/index.js';
import type { ResolvedEntry } from './entry.js';
import type { ArgumentRole, BindingKind } from './kinds.js';
import { buildExportMap, type ExportedDeclaration } from './resolve/export-map.js';
import { remember } from './memo.js';
import { packageOfFile, type PackageLocation } from './resolve/package-of-file.js';
import { inferRole, type RoleTypeOracle } from './roles.js';
import { findUnresolvedEntries, type UnresolvedEntry } from './unresolved-entries.js';
import { isPathModule, parseUserEntries, SOURCE_EXTENSION, userEntryId, type UserEntry } from './user-entries.js';

export interface MatcherOptions {
  /**
   * Packages that ship MLX's declarations (default `['@frost-beta/mlx']`): add a fork or an
   * internal re-publication of the same declaration files.
   */
  readonly mlxPackages?: readonly string[];
  /** The user's own entry points; validated against `userEntriesSchema`. */
  readonly entries?: readonly UserEntry[];
  /** The folder user-entry module paths are relative to (default: the program's current directory). */
  readonly projectRoot?: string;
  /**
   * The checker to ask (default: the program's own): a caller that keeps answers per node
   * passes its caching wrapper, so the matcher and the caller share one set of answers.
   */
  readonly checker?: TS.TypeChecker;
  /**
   * Keep each node's match (default false): for analyses that ask about the same call again
   * (every pass over a loop, several rules); a single pass, such as the transformer's, asks once.
   */
  readonly memoizeMatches?: boolean;
}

/** One argument of a matched call and what it carries. */
export interface ArgumentMatch {
  readonly node: TS.Expression;
  readonly role: ArgumentRole;
  /** The declared parameter it binds to; undefined for an argument beyond the declared ones. */
  readonly parameter: string | undefined;
  /** `...args` at the call site: the role is that of the parameter it starts at. */
  readonly spread: boolean;
}

/** A declared parameter of a binding and its role. */
export interface ParameterRole {
  readonly name: string;
  readonly role: ArgumentRole;
  readonly optional: boolean;
  readonly rest: boolean;
}

export interface BindingMatch {
  /** The catalogue entry's id (`nn.Module#forward`), stable across subclasses and aliases. */
  readonly id: string;
  /** The member actually reached (`nn.Linear#forward`, `MyModel#forward`), for display. */
  readonly member: string;
  /** The entry's kind, except `layer-composition` for inference called inside an `nn.Module` subclass. */
  readonly kind: BindingKind;
  readonly entry: ResolvedEntry;
  /** `call` and `construct` carry arguments; `read` is a property read (`x.shape`, `mx.float32`). */
  readonly usage: 'call' | 'construct' | 'read';
  /** The object a method is called on or a property read from (`x` in `x.sum()`). */
  readonly receiver: TS.Expression | undefined;
  readonly arguments: readonly ArgumentMatch[];
  /** The declaration that was resolved (the user's override, for a user subclass). */
  readonly declaration: TS.Declaration;
}

export interface CatalogueMatcher {
  /** Resolves a call, `new` or property access (`.name` or `['name']`) to an MLX binding. */
  match(node: TS.Node): BindingMatch | undefined;
  /** The entry a declaration resolves to, directly or through the members it overrides. */
  resolveDeclaration(declaration: TS.Declaration): { readonly member: string; readonly entry: ResolvedEntry } | undefined;
  /** The declared parameters of a signature, with roles (entry overrides applied). */
  parameterRoles(signature: TS.Signature, entry: ResolvedEntry): ParameterRole[];
  /** The public id of the MLX declaration behind a type (`core.array`), if any. */
  mlxIdOfType(type: TS.Type): string | undefined;
  /** Whether a type is `nn.Module` or derives from it. */
  isModuleType(type: TS.Type): boolean;
  /** The public id of an MLX declaration, if it is one. */
  exportedDeclaration(declaration: TS.Node): ExportedDeclaration | undefined;
  /** How user entries name a declaration: `generate`, `Model`, `Model#generate`, `Model.load`. */
  declarationLabel(declaration: TS.Declaration): string | undefined;
  /**
   * Where a file is, the way user entries say it: the package name for an installed file, the
   * path relative to the project root without extension otherwise.
   */
  moduleKeyOfFile(fileName: string): string;
  /** The same key for what a user wrote in an entry's `module`. */
  moduleKeyOfSpecifier(module: string): string;
  /**
   * The user entries that can match nothing in this program, each with why and a one-line
   * message saying what to fix: a `module` that is no file of the program (nor on disk) or no
   * package it can resolve, a path that is on disk but outside the program, a `name` that the
   * module declares nowhere. Worked out on the first call, once per matcher; `[]` without entries.
   */
  unresolvedEntries(): readonly UnresolvedEntry[];
}

const IMPLICIT_ARRAY_MEMBERS = new Set(['toString', 'toLocaleString']);

/**
 * Creates the matcher for one program. `ts` is the TypeScript instance of the caller (the one
 * ts-patch hands a transformer, or the one typescript-eslint loaded): the catalogue never
 * imports its own, so syntax kinds and flags always agree with the program's.
 * @throws CatalogueConfigError when `options.entries` does not fit the schema.
 */
export function createMatcher(ts: typeof TS, program: TS.Program, options: MatcherOptions = {}): CatalogueMatcher {
  const checker = options.checker ?? program.getTypeChecker();
  const mlxPackages = new Set(options.mlxPackages ?? [MLX_PACKAGE]);
  const projectRoot = normalisePath(options.projectRoot ?? program.getCurrentDirectory());
  const parsedEntries = parseUserEntries(options.entries ?? []);
  const userEntries = indexUserEntries(parsedEntries, projectRoot);
  let unresolved: readonly UnresolvedEntry[] | undefined;
  const exportMaps = new Map<string, Map<TS.Node, ExportedDeclaration>>();
  const resolved = new WeakMap<TS.Declaration, ReturnType<CatalogueMatcher['resolveDeclaration']> | null>();
  const moduleTypes = new WeakMap<TS.Type, boolean>();
  const signatureRoles = new WeakMap<TS.Signature, WeakMap<ResolvedEntry, readonly ParameterRole[] | null> | null>();
  const matches = new WeakMap<TS.Node, BindingMatch | null>();
  // Asked for the file of every declaration a call resolves to: the answers are few and stable.
  const moduleKeys = new Map<string, string | null>();
  const packagesOfFiles = new WeakMap<TS.SourceFile, PackageLocation | null>();

  const oracle: RoleTypeOracle = { mlxIdOfType, isModuleType };
  const matcher: CatalogueMatcher = {
    match,
    resolveDeclaration,
    parameterRoles,
    mlxIdOfType,
    isModuleType,
    exportedDeclaration,
    declarationLabel,
    moduleKeyOfFile: cachedModuleKeyOfFile,
    moduleKeyOfSpecifier: (module) => moduleKeyOfSpecifier(module, projectRoot),
    unresolvedEntries: () =>
      (unresolved ??= findUnresolvedEntries(ts, program, parsedEntries, {
        projectRoot,
        moduleKeyOfFile: cachedModuleKeyOfFile,
        moduleKeyOfSpecifier: (module) => moduleKeyOfSpecifier(module, projectRoot),
        declarationLabel,
      })),
  };
  return matcher;

  function match(node: TS.Node): BindingMatch | undefined {
    return options.memoizeMatches === true ? remember(matches, node, () => matchUncached(node)) : matchUncached(node);
  }

  function matchUncached(node: TS.Node): BindingMatch | undefined {
    if (ts.isCallExpression(node)) return matchCall(node);
    if (ts.isNewExpression(node)) return matchNew(node);
    if (ts.isPropertyAccessExpression(node) || ts.isElementAccessExpression(node)) return matchRead(node);
    return undefined;
  }

  function matchCall(call: TS.CallExpression): BindingMatch | undefined {
    const callee = skipOuterExpressions(call.expression);
    if (callee.kind === ts.SyntaxKind.SuperKeyword) return matchSuperCall(call);
    const receiver = receiverOf(callee);
    let signature: TS.Signature | undefined;
    const declarations = [...declarationsOfExpression(callee)];
    let hit = firstResolved(declarations);
    // A call of a function or method resolves to one of its declarations, which were just
    // looked at: only a value (a variable, a parameter, a property) can hide an MLX function,
    // and resolving the signature of every other call in the program costs the checker dearly.
    if (hit === undefined && !(declarations.length > 0 && declarations.every(isFunctionOrMethod))) {
      // The callee is no name (`pick()(x)` where `pick` returns `mx.exp`): the signature's declaration decides.
      signature = checker.getResolvedSignature(call);
      const declaration = signature?.declaration;
      if (declaration !== undefined && !ts.isJSDocSignature(declaration)) hit = firstResolved([declaration]);
    }
    if (hit === undefined && receiver !== undefined) hit = implicitArrayMember(callee, receiver);
    if (hit === undefined) return undefined;
    return toMatch(hit, 'call', call, receiver, call.arguments, signature ?? checker.getResolvedSignature(call));
  }

  function matchNew(expression: TS.NewExpression): BindingMatch | undefined {
    const hit = firstResolved(classDeclarations(skipOuterExpressions(expression.expression)));
    if (hit === undefined) return undefined;
    return toMatch(hit, 'construct', expression, undefined, expression.arguments ?? [], checker.getResolvedSignature(expression));
  }

  /** `super(...)` in a subclass constructs the base class: `nn.Module` for a user model. */
  function matchSuperCall(call: TS.CallExpression): BindingMatch | undefined {
    const classNode = ts.findAncestor(call, ts.isClassLike);
    const heritage = classNode?.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword);
    const base = heritage?.types[0]?.expression;
    if (base === undefined) return undefined;
    const hit = firstResolved(classDeclarations(base));
    if (hit === undefined) return undefined;
    return toMatch(hit, 'construct', call, undefined, call.arguments, checker.getResolvedSignature(call));
  }

  function matchRead(access: TS.PropertyAccessExpression | TS.ElementAccessExpression): BindingMatch | undefined {
    const receiver = access.expression.kind === ts.SyntaxKind.SuperKeyword ? undefined : access.expression;
    let hit = firstResolved(declarationsOfExpression(access));
    if (hit === undefined && receiver !== undefined) hit = implicitArrayMember(access, receiver);
    if (hit === undefined) return undefined;
    return toMatch(hit, 'read', access, receiver, [], undefined);
  }

  function toMatch(
    hit: Hit,
    usage: BindingMatch['usage'],
    site: TS.Node,
    receiver: TS.Expression | undefined,
    args: readonly TS.Expression[],
    signature: TS.Signature | undefined,
  ): BindingMatch {
    return {
      id: hit.entry.id,
      member: hit.member,
      kind: usage === 'call' ? contextualKind(hit.entry, site) : hit.entry.kind,
      entry: hit.entry,
      usage,
      receiver,
      arguments: bindArguments(args, signature, hit.entry),
      declaration: hit.declaration,
    };
  }

  function firstResolved(declarations: Iterable<TS.Declaration>): Hit | undefined {
    for (const declaration of declarations) {
      const result = resolveDeclaration(declaration);
      if (result !== undefined) return { ...result, declaration };
    }
    return undefined;
  }

  function resolveDeclaration(declaration: TS.Declaration): ReturnType<CatalogueMatcher['resolveDeclaration']> {
    const cached = resolved.get(declaration);
    if (cached !== undefined) return cached ?? undefined;
    resolved.set(declaration, null); // a cycle through broken heritage resolves to nothing
    const result = resolveUncached(declaration);
    resolved.set(declaration, result ?? null);
    return result;
  }

  function resolveUncached(declaration: TS.Declaration): ReturnType<CatalogueMatcher['resolveDeclaration']> {
    const label = declarationLabel(declaration);
    const user = label === undefined ? undefined : userEntryFor(declaration, label);
    if (user !== undefined) return { member: user.id, entry: user };
    const exported = exportedDeclaration(declaration);
    if (exported?.space === 'value') {
      const data = MLX_CATALOGUE[exported.id];
      if (data !== undefined) return { member: exported.id, entry: { ...data, id: exported.id, source: 'mlx' } };
    }
    // A member with no entry of its own: the member it overrides decides (user subclasses of
    // `nn.Module`, MLX layers overriding `forward`).
    for (const base of overriddenDeclarations(declaration)) {
      const inherited = resolveDeclaration(base);
      if (inherited !== undefined) {
        return { member: exported?.id ?? label ?? inherited.member, entry: inherited.entry };
      }
    }
    return undefined;
  }

  /** Declarations of the same-named member in the base classes of the member's class. */
  function* overriddenDeclarations(declaration: TS.Declaration): Generator<TS.Declaration> {
    const classNode = declaration.parent;
    if (!ts.isClassLike(classNode)) return;
    const name = memberName(declaration);
    if (name === undefined) return;
    if (isStatic(declaration)) {
      const heritage = classNode.heritageClauses?.find((clause) => clause.token === ts.SyntaxKind.ExtendsKeyword);
      const base = heritage?.types[0]?.expression;
      if (base === undefined) return;
      yield* checker.getPropertyOfType(checker.getTypeAtLocation(base), name)?.declarations ?? [];
      return;
    }
    const target = referenceTarget(checker.getTypeAtLocation(classNode));
    if (!target.isClassOrInterface()) return;
    for (const base of checker.getBaseTypes(target)) {
      yield* checker.getPropertyOfType(base, name)?.declarations ?? [];
    }
  }

  /** `array.toString()` is declared by `Object` but implemented by MLX: recognised by receiver type. */
  function implicitArrayMember(access: TS.Expression, receiver: TS.Expression): Hit | undefined {
    if (!ts.isPropertyAccessExpression(access) || !IMPLICIT_ARRAY_MEMBERS.has(access.name.text)) return undefined;
    const name = access.name.text;
    const receiverType = checker.getNonNullableType(checker.getTypeAtLocation(receiver));
    const parts = receiverType.isUnion() ? receiverType.types : [receiverType];
    if (!parts.some((part) => mlxIdOfType(part) === 'core.array')) return undefined;
    const id = `core.array#${name}`;
    const data = MLX_CATALOGUE[id];
    const symbol = checker.getSymbolAtLocation(access.name);
    const declaration = symbol?.declarations?.[0];
    if (data === undefined || declaration === undefined) return undefined;
    return { member: id, entry: { ...data, id, source: 'mlx' }, declaration };
  }

  function contextualKind(entry: ResolvedEntry, site: TS.Node): BindingKind {
    if (entry.kind !== 'inference') return entry.kind;
    const classNode = ts.findAncestor(site.parent, ts.isClassLike);
    return classNode !== undefined && isModuleType(checker.getTypeAtLocation(classNode)) ? 'layer-composition' : 'inference';
  }

  function bindArguments(args: readonly TS.Expression[], signature: TS.Signature | undefined, entry: ResolvedEntry): ArgumentMatch[] {
    const parameters = signature === undefined ? [] : cachedParameterRoles(signature, entry);
    const rest = parameters.at(-1)?.rest === true ? parameters.length - 1 : undefined;
    return args.map((node, index) => {
      const parameter = parameters[rest !== undefined && index > rest ? rest : index];
      return {
        node,
        role: parameter?.role ?? 'other',
        parameter: parameter?.name,
        spread: ts.isSpreadElement(node),
      };
    });
  }

  /**
   * Roles depend only on the signature's parameter types and the entry, and every call of a
   * non-generic binding resolves to the same signature object: inferred once, not per call.
   * Internal only, so no caller can alter a shared list.
   */
  function cachedParameterRoles(signature: TS.Signature, entry: ResolvedEntry): readonly ParameterRole[] {
    const byEntry = remember(signatureRoles, signature, () => new WeakMap<ResolvedEntry, readonly ParameterRole[] | null>());
    return remember(byEntry, entry, (): readonly ParameterRole[] => parameterRoles(signature, entry));
  }

  function parameterRoles(signature: TS.Signature, entry: ResolvedEntry): ParameterRole[] {
    const inMlx = entry.source === 'mlx';
    const roles: ParameterRole[] = [];
    for (const parameter of signature.getParameters()) {
      const declaration = parameter.valueDeclaration;
      const type = checker.getTypeOfSymbol(parameter);
      const isRest = declaration !== undefined && ts.isParameter(declaration) && declaration.dotDotDotToken !== undefined;
      const optional =
        declaration !== undefined && ts.isParameter(declaration) && (declaration.questionToken !== undefined || declaration.initializer !== undefined);
      if (isRest && checker.isTupleType(type)) {
        // `compile`d functions are typed `(...args: T)`: their tuple labels are the real parameters.
        const tuple = (type as TS.TypeReference).target as TS.TupleType;
        checker.getTypeArguments(type as TS.TypeReference).forEach((element, index) => {
          const labelled = tuple.labeledElementDeclarations?.[index];
          const name = labelled !== undefined && ts.isIdentifier(labelled.name) ? labelled.name.text : `${parameter.name}[${index}]`;
          const flags = tuple.elementFlags[index] ?? ts.ElementFlags.Required;
          roles.push({
            name,
            role: entry.roles?.[name] ?? inferRole(ts, checker, oracle, name, element, inMlx),
            optional: (flags & ts.ElementFlags.Optional) !== 0,
            rest: (flags & ts.ElementFlags.Variable) !== 0,
          });
        });
        continue;
      }
      const roleType = isRest && checker.isArrayType(type) ? (checker.getTypeArguments(type as TS.TypeReference)[0] ?? type) : type;
      roles.push({
        name: parameter.name,
        role: entry.roles?.[parameter.name] ?? inferRole(ts, checker, oracle, parameter.name, roleType, inMlx),
        optional,
        rest: isRest,
      });
    }
    return roles;
  }

  function cachedModuleKeyOfFile(fileName: string): string {
    return remember(moduleKeys, fileName, () => moduleKeyOfFile(fileName, projectRoot));
  }

  function exportedDeclaration(declaration: TS.Node): ExportedDeclaration | undefined {
    const sourceFile = declaration.getSourceFile();
    const location = remember(packagesOfFiles, sourceFile, () => packageOfFile(sourceFile.fileName));
    if (location === undefined || !mlxPackages.has(location.name)) return undefined;
    return exportMapOf(location).get(declaration);
  }

  function exportMapOf(location: PackageLocation): Map<TS.Node, ExportedDeclaration> {
    let map = exportMaps.get(location.root);
    if (map === undefined) {
      const entry = packageEntry(location);
      map = entry === undefined ? new Map() : buildExportMap(ts, checker, entry);
      exportMaps.set(location.root, map);
    }
    return map;
  }

  /** The declaration file the package's `types` field names: the root of its public API. */
  function packageEntry(location: PackageLocation): TS.SourceFile | undefined {
    let types = 'index.d.ts';
    try {
      const manifest = JSON.parse(ts.sys.readFile(`${location.root}/package.json`) ?? '{}') as { types?: unknown; typings?: unknown };
      const declared = manifest.types ?? manifest.typings;
      if (typeof declared === 'string') types = declared.replace(/^\.\//, '');
    } catch {
      // An unreadable manifest leaves the conventional entry.
    }
    const wanted = normalisePath(`${location.root}/${types}`);
    return program.getSourceFiles().find((file) => normalisePath(file.fileName) === wanted);
  }

  function mlxIdOfType(type: TS.Type): string | undefined {
    for (const symbol of [type.aliasSymbol, type.getSymbol()]) {
      for (const declaration of symbol?.declarations ?? []) {
        const exported = exportedDeclaration(declaration);
        if (exported !== undefined) return exported.id;
      }
    }
    return undefined;
  }

  function isModuleType(type: TS.Type): boolean {
    const cached = moduleTypes.get(type);
    if (cached !== undefined) return cached;
    moduleTypes.set(type, false);
    let result = mlxIdOfType(type) === 'nn.Module';
    const target = referenceTarget(type);
    if (!result && target.isClassOrInterface()) result = checker.getBaseTypes(target).some(isModuleType);
    moduleTypes.set(type, result);
    return result;
  }

  /**
   * The declarations an expression refers to, following what the checker does not: a `const`
   * holding another binding (`const r = nn.relu`), destructuring (`const { relu } = nn`).
   */
  function* declarationsOfExpression(expression: TS.Expression, depth = 0): Generator<TS.Declaration> {
    const node = skipOuterExpressions(expression);
    // `(pick ? mx.add : mx.subtract)(a, b)`: the branches in source order, so that every caller
    // (the transformer, the plan, the rules) takes the same one, whatever the checker resolved before.
    if (ts.isConditionalExpression(node)) {
      yield* declarationsOfExpression(node.whenTrue, depth + 1);
      yield* declarationsOfExpression(node.whenFalse, depth + 1);
      return;
    }
    if (ts.isBinaryExpression(node)) {
      const operator = node.operatorToken.kind;
      if (operator === ts.SyntaxKind.QuestionQuestionToken || operator === ts.SyntaxKind.BarBarToken) yield* declarationsOfExpression(node.left, depth + 1);
      if (operator === ts.SyntaxKind.QuestionQuestionToken || operator === ts.SyntaxKind.BarBarToken || operator === ts.SyntaxKind.AmpersandAmpersandToken || operator === ts.SyntaxKind.CommaToken) {
        yield* declarationsOfExpression(node.right, depth + 1);
      }
      return;
    }
    let symbol: TS.Symbol | undefined;
    if (ts.isIdentifier(node)) symbol = checker.getSymbolAtLocation(node);
    else if (ts.isPropertyAccessExpression(node)) symbol = checker.getSymbolAtLocation(node.name);
    else if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
      symbol = checker.getPropertyOfType(checker.getTypeAtLocation(node.expression), node.argumentExpression.text);
    }
    if (symbol === undefined) return;
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const roots = symbol.flags & ts.SymbolFlags.Transient ? checker.getRootSymbols(symbol) : [symbol];
    for (const root of roots) yield* root.declarations ?? [];
    if (depth > 8) return;
    const declaration = symbol.valueDeclaration;
    if (declaration === undefined || !isConstDeclaration(declaration)) return;
    if (ts.isVariableDeclaration(declaration) && declaration.initializer !== undefined) {
      yield* declarationsOfExpression(declaration.initializer, depth + 1);
    } else if (ts.isBindingElement(declaration) && ts.isObjectBindingPattern(declaration.parent)) {
      const owner = declaration.parent.parent;
      const key = declaration.propertyName ?? declaration.name;
      if (ts.isVariableDeclaration(owner) && owner.initializer !== undefined && (ts.isIdentifier(key) || ts.isStringLiteral(key))) {
        const property = checker.getPropertyOfType(checker.getTypeAtLocation(owner.initializer), key.text);
        yield* property?.declarations ?? [];
      }
    }
  }

  function isFunctionOrMethod(declaration: TS.Declaration): boolean {
    return ts.isFunctionDeclaration(declaration) || ts.isMethodDeclaration(declaration) || ts.isMethodSignature(declaration);
  }

  function classDeclarations(expression: TS.Expression): TS.Declaration[] {
    return [...declarationsOfExpression(expression)].filter((declaration) => ts.isClassLike(declaration));
  }

  function isConstDeclaration(declaration: TS.Declaration): boolean {
    const list = ts.findAncestor(declaration, ts.isVariableDeclarationList);
    return list !== undefined && (list.flags & ts.NodeFlags.Const) !== 0;
  }

  /** `Box<T>` → `Box`: base types and class-ness live on the generic target. */
  function referenceTarget(type: TS.Type): TS.Type {
    const isReference =
      (type.flags & ts.TypeFlags.Object) !== 0 && ((type as TS.ObjectType).objectFlags & ts.ObjectFlags.Reference) !== 0;
    return isReference ? (type as TS.TypeReference).target : type;
  }

  function receiverOf(callee: TS.Expression): TS.Expression | undefined {
    if (!ts.isPropertyAccessExpression(callee) && !ts.isElementAccessExpression(callee)) return undefined;
    return callee.expression.kind === ts.SyntaxKind.SuperKeyword ? undefined : callee.expression;
  }

  function skipOuterExpressions(expression: TS.Expression): TS.Expression {
    let node = expression;
    while (
      ts.isParenthesizedExpression(node) ||
      ts.isAsExpression(node) ||
      ts.isNonNullExpression(node) ||
      ts.isSatisfiesExpression(node) ||
      ts.isTypeAssertionExpression(node)
    ) {
      node = node.expression;
    }
    return node;
  }

  function memberName(declaration: TS.Declaration): string | undefined {
    const name = ts.getNameOfDeclaration(declaration);
    if (name === undefined) return undefined;
    if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
    return checker.getSymbolAtLocation(name)?.name;
  }

  function isStatic(declaration: TS.Declaration): boolean {
    return (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Static) !== 0;
  }

  /** `generate`, `Model`, `Model#generate`, `Model.load`: how user entries name declarations. */
  function declarationLabel(declaration: TS.Declaration): string | undefined {
    let node: TS.Node = declaration;
    if ((ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isClassExpression(node)) && ts.isVariableDeclaration(node.parent)) {
      node = node.parent;
    }
    if (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) || ts.isVariableDeclaration(node)) {
      return node.name !== undefined && ts.isIdentifier(node.name) ? node.name.text : undefined;
    }
    const classNode = node.parent;
    if (ts.isClassLike(classNode) && !ts.isConstructorDeclaration(node)) {
      const className = classNode.name?.text ?? (ts.isVariableDeclaration(classNode.parent) && ts.isIdentifier(classNode.parent.name) ? classNode.parent.name.text : undefined);
      const member = memberName(node as TS.Declaration);
      if (className === undefined || member === undefined) return undefined;
      return `${className}${isStatic(node as TS.Declaration) ? '.' : '#'}${member}`;
    }
    return undefined;
  }

  function userEntryFor(declaration: TS.Declaration, label: string): ResolvedEntry | undefined {
    const candidates = userEntries.get(label);
    if (candidates === undefined) return undefined;
    const moduleKey = moduleKeyOfFile(declaration.getSourceFile().fileName, projectRoot);
    return candidates.find((candidate) => candidate.moduleKey === moduleKey)?.entry;
  }
}

interface Hit {
  readonly member: string;
  readonly entry: ResolvedEntry;
  readonly declaration: TS.Declaration;
}

interface IndexedUserEntry {
  readonly moduleKey: string;
  readonly entry: ResolvedEntry;
}

function indexUserEntries(entries: readonly UserEntry[], projectRoot: string): Map<string, IndexedUserEntry[]> {
  const index = new Map<string, IndexedUserEntry[]>();
  for (const entry of entries) {
    const moduleKey = moduleKeyOfSpecifier(entry.module, projectRoot);
    const resolved: ResolvedEntry = {
      id: userEntryId(entry),
      kind: entry.kind,
      source: 'user',
      ...(entry.roles === undefined ? {} : { roles: entry.roles }),
    };
    const list = index.get(entry.name) ?? [];
    list.push({ moduleKey, entry: resolved });
    index.set(entry.name, list);
  }
  return index;
}

function moduleKeyOfFile(fileName: string, projectRoot: string): string {
  const location = packageOfFile(fileName);
  if (location !== undefined) return location.name.replace(/^@types\/(?:([^_]+)__)?/, (_, scope?: string) => (scope === undefined ? '' : `@${scope}/`));
  return stripExtension(relativePath(projectRoot, normalisePath(fileName)));
}

/** A path starts with `.` or `/`, or ends with a source extension; anything else is a package. */
function moduleKeyOfSpecifier(module: string, projectRoot: string): string {
  return isPathModule(module) ? stripExtension(relativePath(projectRoot, joinPath(projectRoot, module))) : module;
}

function normalisePath(path: string): string {
  return path.replaceAll('\\', '/').replace(/\/+$/, '');
}

function joinPath(root: string, relative: string): string {
  if (relative.startsWith('/')) return normalisePath(relative);
  const parts = root.split('/');
  for (const part of relative.replaceAll('\\', '/').split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.' && part !== '') parts.push(part);
  }
  return parts.join('/');
}

function relativePath(root: string, path: string): string {
  return path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path;
}

function stripExtension(path: string): string {
  return path.replace(SOURCE_EXTENSION, '');
}
