import type * as TS from 'typescript';
import type { ResolvedEntry } from '../entry.js';
import { remember } from '../memo.js';
import { inferRole, type RoleTypeOracle } from '../roles.js';
import type { ArgumentMatch, ParameterRole } from './types.js';

/** Argument binding: which declared parameter each argument of a call binds to, and its role. */
export interface ArgumentBinder {
  bindArguments(args: readonly TS.Expression[], signature: TS.Signature | undefined, entry: ResolvedEntry): ArgumentMatch[];
  /** The declared parameters of a signature, with roles (entry overrides applied). */
  readonly parameterRoles: (signature: TS.Signature, entry: ResolvedEntry) => ParameterRole[];
}

export function createArgumentBinder(ts: typeof TS, checker: TS.TypeChecker, oracle: RoleTypeOracle): ArgumentBinder {
  const signatureRoles = new WeakMap<TS.Signature, WeakMap<ResolvedEntry, readonly ParameterRole[] | null> | null>();
  return { bindArguments, parameterRoles };

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
}
