// Traffic of an inference service as the runtime records it: forward calls (lib/forward-events.mjs)
// made inside request contexts of many clients, each request one call, clients drawn from a
// seeded generator so every run writes the same mix. Used to write trails for `mlx-audit detect`
// and to feed the monitor in memory.
import { withAuditContext } from '@mlx-audit/runtime';
import { random as seeded } from './corpus.mjs';
import { auditedCall } from './forward-events.mjs';

export { seeded };

/**
 * `count` requests, each one audited forward call in the context of one of `clients` clients
 * (pseudonyms as the runtime writes them: 16 hex digits).
 * @param {number} count
 * @param {number} clients
 */
export function serveRequests(count, clients) {
  const random = seeded(17);
  for (let index = 0; index < count; index++) {
    const client = Math.floor(random() * clients);
    withAuditContext({ requestId: `r${index}`, clientId: client.toString(16).padStart(16, '0') }, auditedCall);
  }
}
