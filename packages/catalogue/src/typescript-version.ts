/** The TypeScript versions with the JavaScript compiler API the catalogue, the plugin, the transformer and the plan use. */
export const SUPPORTED_TYPESCRIPT = '>=5.4 <6.1';

/**
 * The one line to print when `version` is outside the supported range (TypeScript 7 has no
 * JavaScript compiler API), or undefined when it is supported.
 */
export function unsupportedTypeScript(version: unknown): string | undefined {
  const text = typeof version === 'string' ? version : 'of unknown version';
  const [major, minor] = (typeof version === 'string' ? version : '').split('.').map(Number);
  const supported = major !== undefined && minor !== undefined && ((major === 5 && minor >= 4) || (major === 6 && minor === 0));
  return supported ? undefined : `TypeScript ${text} is not supported by mlx-audit, which needs ${SUPPORTED_TYPESCRIPT} (the JavaScript compiler API): install typescript@~6.0`;
}
