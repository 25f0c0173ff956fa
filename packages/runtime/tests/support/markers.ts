/**
 * A number planted as a marker, found as a number of its own wherever it is written (`[7777.25,`,
 * `TOKEN-31337`, `078-05-1120`) but not as digits inside another number, a hash or a timestamp
 * (`"event.duration":777750`, `5857a84b7777f`, `16.078Z`), where they occur by chance: a
 * `not.toContain('7777')` failed a CI run on a duration of 777750 ns.
 */
export function standaloneNumber(digits: string): RegExp {
  if (!/^\d+$/.test(digits)) throw new TypeError(`digits only, got ${digits}`);
  return new RegExp(`(?<![\\w.])${digits}(?!\\w)`);
}
