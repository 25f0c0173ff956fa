import diagnosticsChannel, { type TracingChannel } from 'node:diagnostics_channel';
import { channelName, type AuditCallContext } from './contract.js';

export type AuditChannel = TracingChannel<unknown, AuditCallContext>;

/**
 * One TracingChannel per kind, created on first use and held here for the life of the process:
 * Node keeps channels in a WeakRef map, so a channel nobody references can be collected and
 * recreated without its subscribers.
 */
const channelsByKind = new Map<string, AuditChannel>();

type ChannelListener = (channel: AuditChannel) => void;
let onChannelCreated: ChannelListener | undefined;

/** The TracingChannel `mlx-audit:<kind>`, shared by every site of that kind. */
export function channelForKind(kind: string): AuditChannel {
  let channel = channelsByKind.get(kind);
  if (channel === undefined) {
    channel = diagnosticsChannel.tracingChannel<unknown, AuditCallContext>(channelName(kind));
    channelsByKind.set(kind, channel);
    onChannelCreated?.(channel);
  }
  return channel;
}

/** Every channel created so far. */
export function knownChannels(): IterableIterator<AuditChannel> {
  return channelsByKind.values();
}

/**
 * Tells the recorder about channels created later (a module with a new kind loads after
 * `configure()`), so it can subscribe to them too. `undefined` stops the notifications.
 */
export function watchNewChannels(listener: ChannelListener | undefined): void {
  onChannelCreated = listener;
}
