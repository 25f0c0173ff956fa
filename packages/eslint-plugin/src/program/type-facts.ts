import type { CatalogueMatcher } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import { isNodeTypes, isTypeScriptLib } from '../util/syntax.js';

/**
 * Types of remote data by the package declaring them: HTTP requests and WebSocket messages. ws
 * types a message by its payload aliases (a 'message' listener's `RawData`, a `MessageEvent`'s
 * `Data`), so only the payload is remote, not the event's `type`. Node's global WebSocket (undici's)
 * gives a `MessageEvent` whose `data` is `any`: there the whole event stands for its data.
 */
const REMOTE_TYPES: Readonly<Record<string, readonly string[]>> = {
  node: ['IncomingMessage', 'Http2ServerRequest', 'MessageEvent'],
  'express-serve-static-core': ['Request'],
  express: ['Request'],
  fastify: ['FastifyRequest'],
  koa: ['Request', 'Context', 'ParameterizedContext', 'BaseRequest'],
  ws: ['RawData', 'Data'],
  'undici-types': ['MessageEvent'],
};

/** Request members that describe the exchange rather than carry the user's data. */
export const REQUEST_METADATA = new Set(['method', 'httpVersion', 'httpVersionMajor', 'httpVersionMinor', 'complete', 'aborted', 'statusCode', 'secure', 'protocol']);

/**
 * What the analysis asks of types: whether a value holds a tensor, is an HTTP request, or carries
 * a field named like a secret. Answers are cached per type; the checker's types are per program.
 */
export class TypeFacts {
  private readonly tensorCache = new WeakMap<TS.Type, boolean>();
  private readonly secretCache = new WeakMap<TS.Type, string | null>();
  private readonly requestCache = new WeakMap<TS.Type, boolean>();

  constructor(
    private readonly ts: typeof TS,
    private readonly checker: TS.TypeChecker,
    private readonly matcher: CatalogueMatcher,
    private readonly isSecretName: (name: string) => boolean,
  ) {}

  /** An MLX `array`, or something holding one: arrays, tuples, maps, promises, objects with array fields. */
  holdsTensor(type: TS.Type, depth = 0): boolean {
    const cached = this.tensorCache.get(type);
    if (cached !== undefined) return cached;
    this.tensorCache.set(type, false); // recursive types end here
    const result = this.computeHoldsTensor(type, depth);
    this.tensorCache.set(type, result);
    return result;
  }

  private computeHoldsTensor(type: TS.Type, depth: number): boolean {
    const { ts, checker } = this;
    const scalar = ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.ESSymbolLike | ts.TypeFlags.EnumLike;
    if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never | ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void | scalar)) return false;
    if (this.matcher.mlxIdOfType(type) === 'core.array') return true;
    if (type.isUnionOrIntersection()) return type.types.some((part) => this.holdsTensor(part, depth));
    if (depth > 3 || !(type.flags & ts.TypeFlags.Object)) return false;
    if (type.getCallSignatures().length > 0 || type.getConstructSignatures().length > 0) return false;
    // A namespace (`mx` itself) is an API, not data.
    if ((type.getSymbol()?.flags ?? 0) & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule)) return false;
    const awaited = checker.getAwaitedType(type);
    if (awaited !== undefined && awaited !== type && this.holdsTensor(awaited, depth + 1)) return true;
    const objectFlags = (type as TS.ObjectType).objectFlags;
    if (objectFlags & ts.ObjectFlags.Reference) {
      if (checker.getTypeArguments(type as TS.TypeReference).some((argument) => this.holdsTensor(argument, depth + 1))) return true;
    }
    const index = checker.getIndexInfoOfType(type, ts.IndexKind.String) ?? checker.getIndexInfoOfType(type, ts.IndexKind.Number);
    if (index !== undefined && this.holdsTensor(index.type, depth + 1)) return true;
    // Fields of plain objects and class instances (a model's layers hold its weights); not the
    // members of library types such as Map or Promise, whose contents the type arguments gave.
    if (this.isLibraryType(type)) return false;
    for (const property of checker.getPropertiesOfType(type)) {
      if (property.flags & (this.ts.SymbolFlags.Method | this.ts.SymbolFlags.Accessor)) continue;
      const declaration = property.valueDeclaration;
      if (declaration === undefined) continue;
      if (this.holdsTensor(checker.getTypeOfSymbolAtLocation(property, declaration), depth + 1)) return true;
    }
    return false;
  }

  private isLibraryType(type: TS.Type): boolean {
    const declaration = type.getSymbol()?.declarations?.[0];
    if (declaration === undefined) return false;
    return isTypeScriptLib(declaration) || isNodeTypes(declaration);
  }

  /** The type is remote data: an HTTP request of Node, Express, Fastify or Koa, or a WebSocket message. */
  isRequest(type: TS.Type): boolean {
    let answer = this.requestCache.get(type);
    if (answer === undefined) this.requestCache.set(type, (answer = this.computeIsRequest(type)));
    return answer;
  }

  private computeIsRequest(type: TS.Type): boolean {
    // A union's alias (ws's `RawData`) names the whole; its parts are plain Buffers.
    const parts = type.isUnion() ? [type, ...type.types] : [type];
    return parts.some((part) => {
      const symbol = part.aliasSymbol ?? part.getSymbol();
      const declaration = symbol?.declarations?.[0];
      if (symbol === undefined || declaration === undefined) return false;
      const key = this.matcher.moduleKeyOfFile(declaration.getSourceFile().fileName);
      return REMOTE_TYPES[key]?.includes(symbol.name) === true;
    });
  }

  /** The name of a field that makes an object a secret carrier (`{ apiKey }`), if any. */
  secretField(type: TS.Type): string | undefined {
    const cached = this.secretCache.get(type);
    if (cached !== undefined) return cached ?? undefined;
    const { ts, checker } = this;
    let found: string | undefined;
    const parts = type.isUnion() ? type.types : [type];
    for (const part of parts) {
      if (!(part.flags & ts.TypeFlags.Object) || part.getCallSignatures().length > 0) continue;
      if ((part.getSymbol()?.flags ?? 0) & (ts.SymbolFlags.ValueModule | ts.SymbolFlags.NamespaceModule)) continue;
      for (const property of checker.getPropertiesOfType(part)) {
        if (property.flags & (ts.SymbolFlags.Method | ts.SymbolFlags.Accessor) || !this.isSecretName(property.name)) continue;
        const declaration = property.valueDeclaration;
        const propertyType = declaration === undefined ? undefined : checker.getTypeOfSymbolAtLocation(property, declaration);
        if (propertyType !== undefined && propertyType.getCallSignatures().length > 0) continue;
        // A number or a boolean is never a secret by its name (`apiKeyConfigured: true`), as for variables.
        if (propertyType !== undefined && propertyType.flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.Undefined | ts.TypeFlags.Void)) continue;
        // The plainest name explains best: `cookie` rather than `access-control-allow-credentials`.
        if (found === undefined || property.name.length < found.length) found = property.name;
      }
      if (found !== undefined) break;
    }
    this.secretCache.set(type, found ?? null);
    return found;
  }
}

/** `Error` or a class or interface extending it. */
export function isErrorType(checker: TS.TypeChecker, type: TS.Type): boolean {
  const seen = new Set<TS.Type>();
  const visit = (candidate: TS.Type): boolean => {
    if (seen.has(candidate)) return false;
    seen.add(candidate);
    if (candidate.getSymbol()?.name === 'Error') return true;
    return candidate.isClassOrInterface() && checker.getBaseTypes(candidate).some(visit);
  };
  return visit(type);
}
