import { ARGUMENT_ROLES, BINDING_KINDS, KIND_TRAITS, METADATA_ROLES, MLX_CATALOGUE, MLX_PACKAGE, type ArgumentRole, type BindingKind } from '@mlx-audit/catalogue';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  AUDIT_KINDS,
  FORWARD_PASS_KINDS,
  KIND_HANDLING,
  METADATA_ROLES as RUNTIME_METADATA_ROLES,
  MLX_PACKAGE as RUNTIME_MLX_PACKAGE,
  MODULE_WEIGHT_UPDATES,
  ROLE_IS_METADATA,
  type CatalogueRole,
} from '../src/catalogue-tables.js';
import type { SiteKind } from '../src/contract.js';

// The runtime imports no workspace package (it ships in production programs), so its per-kind and
// per-role tables are its own, keyed by the contract's `SiteKind` and `SiteArgumentRole`: this
// test holds them to the catalogue's. A kind added to the catalogue alone fails here (and
// `pnpm typecheck` fails on the type equalities below).


const sorted = (values: Iterable<string>): string[] => [...values].sort();
const catalogueKinds = Object.keys(BINDING_KINDS) as BindingKind[];

describe('the runtime and the catalogue agree', () => {
  it('on the kinds: the keys of the runtime’s per-kind table are the catalogue’s kinds', () => {
    expectTypeOf<SiteKind>().toEqualTypeOf<BindingKind>();
    expectTypeOf<CatalogueRole>().toEqualTypeOf<ArgumentRole>();
    expect(sorted(Object.keys(KIND_HANDLING))).toEqual(sorted(catalogueKinds));
  });

  it('on the kinds whose every call is an audit record kept when the buffer is full', () => {
    expect(sorted(AUDIT_KINDS)).toEqual(sorted(catalogueKinds.filter((kind) => KIND_TRAITS[kind].auditRecord)));
  });

  it('on the forward-pass kinds (gen_ai.operation.name inference or training)', () => {
    expect(sorted(FORWARD_PASS_KINDS)).toEqual(sorted(catalogueKinds.filter((kind) => KIND_TRAITS[kind].forwardPass)));
  });

  it('on the argument roles, and on those whose values an event may show', () => {
    expect(sorted(Object.keys(ROLE_IS_METADATA))).toEqual(sorted(Object.keys(ARGUMENT_ROLES)));
    expect(sorted(RUNTIME_METADATA_ROLES)).toEqual(sorted(METADATA_ROLES));
  });

  it('on the bindings that put weights into a module (model identity): update is module-state, loadWeights a model load', () => {
    expect([...MODULE_WEIGHT_UPDATES].map((id) => MLX_CATALOGUE[id]?.kind)).toEqual(['module-state']);
    expect(MLX_CATALOGUE['nn.Module#loadWeights']?.kind).toBe('model-load');
  });

  it('on the name of MLX’s package', () => {
    expect(RUNTIME_MLX_PACKAGE).toBe(MLX_PACKAGE);
  });
});
