import { isIPv6 } from 'node:net';
import type { Detector } from './spans.js';

// Data about people: e-mail addresses and the IP addresses of hosts. Each pattern begins only where
// its first character cannot continue the one before (a lookbehind), so a long run of letters or
// hex digits is tried once, not at each of its characters.

const EMAIL = /(?<![\w.%+-])[\w.%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.([A-Za-z]{2,24})(?![A-Za-z0-9-])/g;
/** `icon@2x.png`, `bundle@1.0.js`: a file name, not an address. */
const FILE_EXTENSION = /^(?:png|jpe?g|gif|svg|webp|ico|[mc]?js|[mc]?ts|tsx|jsx|json|css|map|wasm|node|html?)$/i;

export const emailAddresses: Detector = (text, found) => {
  if (!text.includes('@')) return;
  EMAIL.lastIndex = 0;
  for (let email = EMAIL.exec(text); email !== null; email = EMAIL.exec(text)) {
    if (!FILE_EXTENSION.test(email[1] ?? '')) found.push({ kind: 'email', start: email.index, end: email.index + email[0].length });
  }
};

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
/**
 * A dotted quad standing on its own: not after a letter, a digit or a dot (`v1.2.3.4`, a longer
 * dotted sequence such as an OID), not before a letter or another `.digit`.
 */
const IPV4 = new RegExp(`(?<![\\w.])(${OCTET})\\.${OCTET}\\.${OCTET}\\.${OCTET}(?![\\w-]|\\.\\d)`, 'g');
/**
 * Where an IPv6 address may be: `::`, or a group of hex digits between two colons. From there the
 * candidate is widened over hex digits, colons and dots (45 characters at the most, the longest
 * address) and checked by `net.isIPv6`: a time (`12:00:01`) and a MAC address are not addresses,
 * a UUID has no colon at all, `T12:00:01` (an ISO time) begins after a letter.
 */
const IPV6_COLONS = /::|:[0-9A-Fa-f]{1,4}:/g;
const MAX_IPV6_CHARS = 45;
/** A cheap test before IPV4, which begins with a lookbehind and so is tried at every character. */
const MAY_HOLD_IPV4 = /\d\.\d{1,3}\.\d/;
/** An IPv4-mapped or -compatible address (`::ffff:10.0.0.1`): its IPv4 address's first octet. */
const MAPPED_V4 = /^::(?:ffff:)?(\d+)\./i;

/** Whether a first octet names a host someone has: not 0 (this network), 127 (loopback), 224 and up (multicast, reserved, netmasks). */
function hostOctet(first: number): boolean {
  return first !== 0 && first !== 127 && first < 224;
}

/** Whether an IPv6 address names a host: not `::` (unspecified), `::1` (loopback), multicast (`ff00::/8`), nor a mapped IPv4 address that names none (`::ffff:127.0.0.1`). */
function hostV6(address: string): boolean {
  if (address === '::' || address === '::1' || /^ff/i.test(address)) return false;
  const mapped = MAPPED_V4.exec(address);
  return mapped === null || hostOctet(Number(mapped[1]));
}

export const ipAddresses: Detector = (text, found) => {
  IPV4.lastIndex = 0;
  for (let address = MAY_HOLD_IPV4.test(text) ? IPV4.exec(text) : null; address !== null; address = IPV4.exec(text)) {
    if (hostOctet(Number(address[1]))) found.push({ kind: 'ip-address', start: address.index, end: address.index + address[0].length });
  }
  IPV6_COLONS.lastIndex = 0;
  for (let colons = IPV6_COLONS.exec(text); colons !== null; colons = IPV6_COLONS.exec(text)) {
    let start = colons.index;
    while (start > 0 && colons.index - start < MAX_IPV6_CHARS && isIpv6Character(text.charCodeAt(start - 1))) start--;
    let end = colons.index + colons[0].length;
    while (end < text.length && end - start <= MAX_IPV6_CHARS && isIpv6Character(text.charCodeAt(end))) end++;
    IPV6_COLONS.lastIndex = end;
    if (end - start > MAX_IPV6_CHARS || isWordCharacter(text.charCodeAt(start - 1)) || isWordCharacter(text.charCodeAt(end))) continue;
    // A sentence's full stop or a port's colon may follow the address.
    const candidate = text.slice(start, end);
    const address = candidate.endsWith('::') ? candidate : candidate.replace(/[.:]+$/, '');
    if (isIPv6(address) && hostV6(address)) found.push({ kind: 'ip-address', start, end: start + address.length });
  }
};

/** A hex digit, `:` or `.`. */
function isIpv6Character(code: number): boolean {
  return (code >= 0x30 && code <= 0x3a) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66) || code === 0x2e;
}

/** `\w`; false for NaN (before the start, after the end). */
function isWordCharacter(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
}
