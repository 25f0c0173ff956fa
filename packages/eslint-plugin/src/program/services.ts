import { createDifferentiation, createMatcher, MLX_PACKAGE, remember, userEntriesSchema, type CatalogueMatcher, type Differentiation, type JsonSchema, type UserEntry } from '@mlx-audit/catalogue';
import type * as TS from 'typescript';
import { snakeCase } from '../util/names.js';
import { memoChecker } from './memo-checker.js';
import { TypeFacts } from './type-facts.js';
import { ts as pluginTypeScript } from './typescript.js';
import { noteUnresolvedEntries } from './unresolved-entries.js';

/** What decides the catalogue matcher: the user's entries and the packages that ship MLX. */
export interface MatcherOptions {
  /** Your own MLX entry points (your `generate()` as inference): the catalogue's user entries. */
  readonly entries?: readonly UserEntry[];
  /** Packages that ship MLX's declarations besides `@frost-beta/mlx`. */
  readonly mlxPackages?: readonly string[];
}

/** The options' JSON schema for the matcher options, shared by the rules that recognise MLX calls. */
export const matcherOptionsSchema: Readonly<Record<keyof MatcherOptions, JsonSchema>> = {
  entries: userEntriesSchema,
  mlxPackages: {
    type: 'array',
    items: { type: 'string', minLength: 1 },
    description: 'Packages that ship MLX declarations besides @frost-beta/mlx.',
  },
};

/**
 * What every rule may ask of the program it lints, with or without a data-flow analysis: the
 * TypeScript instance, the checker (answers kept per node), the catalogue matcher, type facts and
 * which functions run under a gradient transform. One per program and matcher options, created
 * on first use and shared by every rule and file (as typescript-eslint shares its analyses).
 */
export interface ProgramServices {
  readonly ts: typeof TS;
  readonly program: TS.Program;
  readonly checker: TS.TypeChecker;
  readonly matcher: CatalogueMatcher;
  /** The entries and MLX packages the matcher was made with, defaults applied. */
  readonly entries: readonly UserEntry[];
  readonly mlxPackages: readonly string[];
  /** Which functions run under gradient transforms: the catalogue's analysis, the transformer's too. */
  readonly differentiation: Differentiation;
  /** Type facts for one notion of a secret's name, shared by the analyses that use it. */
  typeFacts(secretName: RegExp): SecretNameFacts;
}

/** What the types and names of a program say, for one pattern of secret names. */
export interface SecretNameFacts {
  readonly types: TypeFacts;
  /** Whether a name reads as a secret's (`apiToken`): asked of every name, answered once per name. */
  readonly isSecretName: (name: string) => boolean;
}

const servicesByProgram = new WeakMap<TS.Program, Map<string, ProgramServices | null> | null>();

/**
 * The services of a program for the given matcher options, created once and then shared. `ts` is
 * the TypeScript the program was made with: typescript-eslint's, which the plugin loads too.
 */
export function programServices(program: TS.Program, options: MatcherOptions = {}, ts: typeof TS = pluginTypeScript): ProgramServices {
  const entries = options.entries ?? [];
  const mlxPackages = [MLX_PACKAGE, ...(options.mlxPackages ?? [])];
  const byKey = remember(servicesByProgram, program, () => new Map<string, ProgramServices | null>());
  return remember(byKey, JSON.stringify([entries, mlxPackages]), () => {
    const checker = memoChecker(program);
    const matcher = createMatcher(ts, program, { entries, mlxPackages, checker, memoizeMatches: true });
    noteUnresolvedEntries(matcher, entries);
    const facts = new Map<string, SecretNameFacts | null>();
    let differentiation: Differentiation | undefined;
    return {
      ts,
      program,
      checker,
      matcher,
      entries,
      mlxPackages,
      get differentiation() {
        return (differentiation ??= createDifferentiation(ts, checker, matcher));
      },
      typeFacts: (secretName) =>
        remember(facts, secretName.source, () => {
          const names = new Map<string, boolean | null>();
          const isSecretName = (name: string): boolean => remember(names, name, () => secretName.test(snakeCase(name)));
          return { types: new TypeFacts(ts, checker, matcher, isSecretName), isSecretName };
        }),
    };
  });
}
