import type * as TS from 'typescript';
import type { ResolvedEntry } from '../entry.js';
import type { ArgumentRole, BindingKind } from '../kinds.js';
import type { ExportedDeclaration } from '../resolve/export-map.js';
import type { UnresolvedEntry } from '../unresolved-entries.js';
import type { UserEntry } from '../user-entries.js';

// What the matcher answers, and what it is given: the types every module of the matcher shares.

export interface MatcherOptions {
  /**
   * Packages that ship MLX's declarations (default `[MLX_PACKAGE]`, `@frost-beta/mlx`): add a fork or an
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
  resolveDeclaration(declaration: TS.Declaration): ResolvedDeclaration | undefined;
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

/** The entry a declaration resolves to, and the member it names (`nn.Linear#forward`). */
export interface ResolvedDeclaration {
  readonly member: string;
  readonly entry: ResolvedEntry;
}
