import callApplyBind from './cases/call-apply-bind.js';
import classes from './cases/classes.js';
import construct from './cases/construct.js';
import controlFlow from './cases/control-flow.js';
import elementAccess from './cases/element-access.js';
import errors from './cases/errors.js';
import generatorsAsync from './cases/generators-async.js';
import member from './cases/member.js';
import modules from './cases/modules.js';
import optional from './cases/optional.js';
import order from './cases/order.js';
import parameters from './cases/parameters.js';
import parenthesised from './cases/parenthesised.js';
import proxies from './cases/proxies.js';
import spread from './cases/spread.js';
import taggedTemplates from './cases/tagged-templates.js';
import type { Cases } from './harness.js';

/** The cases both projects run, compiled once as ESM and once as CommonJS, in this order. */
export const sharedCases: Cases = [
  ...member,
  ...elementAccess,
  ...optional,
  ...parenthesised,
  ...callApplyBind,
  ...taggedTemplates,
  ...spread,
  ...construct,
  ...classes,
  ...proxies,
  ...generatorsAsync,
  ...parameters,
  ...controlFlow,
  ...errors,
  ...order,
  ...modules,
];
