/**
 * Tells every part of the app, in this tab and in other tabs/workers, which stored data
 * changed, so in-memory views re-read just those memos. Publishing happens only after a
 * transaction has committed (callers' responsibility), so a listener always reads
 * committed data. Messages are a discriminated union; unknown messages are ignored.
 */
import { type AttachmentName, parseAttachmentName } from '../core/attachments';
import { type MemoName, parseMemoName } from '../core/ids';
import type { LocalMemo } from '../core/memo';

export type StoreChange =
  /**
   * `rows` (same order as `names`, null = deleted) carries the committed rows to listeners
   * in the same thread, saving them a re-read; it is never sent to other tabs or workers.
   */
  | { type: 'memos'; names: MemoName[]; rows?: Array<LocalMemo | null> }
  /** `local`: a user's edit (wakes the sync); `sync`: the engine drained entries. */
  | { type: 'outbox'; origin: 'local' | 'sync' }
  | { type: 'conflicts' }
  /** The Trash changed (a memo moved there, was restored, deleted forever or expired). */
  | { type: 'trash' }
  /** Attachments' rows or bytes changed (a thumbnail arrived, an original was evicted). */
  | { type: 'attachments'; names: AttachmentName[] }
  | { type: 'meta'; keys: string[] }
  | { type: 'reset' };

export type ChangeListener = (change: StoreChange) => void;

export interface ChangeFeed {
  publish(change: StoreChange): void;
  subscribe(listener: ChangeListener): () => void;
  close(): void;
}

interface ChannelLike {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: MessageEvent) => void) | null;
}

export function parseStoreChange(data: unknown): StoreChange | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const message = data as { type?: unknown; names?: unknown; keys?: unknown; origin?: unknown };
  switch (message.type) {
    case 'memos': {
      if (!Array.isArray(message.names)) return undefined;
      const names = message.names.map(parseMemoName).filter((n): n is MemoName => n !== undefined);
      return { type: 'memos', names };
    }
    case 'attachments': {
      if (!Array.isArray(message.names)) return undefined;
      const names = message.names
        .map(parseAttachmentName)
        .filter((n): n is AttachmentName => n !== undefined);
      return { type: 'attachments', names };
    }
    case 'meta':
      return Array.isArray(message.keys)
        ? { type: 'meta', keys: message.keys.filter((k): k is string => typeof k === 'string') }
        : undefined;
    case 'outbox':
      return { type: 'outbox', origin: message.origin === 'sync' ? 'sync' : 'local' };
    case 'conflicts':
    case 'trash':
    case 'reset':
      return { type: message.type };
    default:
      return undefined;
  }
}

export function createChangeFeed(
  channelName: string,
  openChannel: ((name: string) => ChannelLike) | undefined = typeof BroadcastChannel === 'function'
    ? (name) => new BroadcastChannel(name)
    : undefined,
): ChangeFeed {
  const listeners = new Set<ChangeListener>();
  const channel = openChannel?.(channelName);
  const deliver = (change: StoreChange) => {
    for (const listener of [...listeners]) listener(change);
  };
  if (channel) {
    channel.onmessage = (event) => {
      const change = parseStoreChange(event.data);
      if (change) deliver(change);
    };
  }
  return {
    publish(change) {
      deliver(change);
      if (change.type === 'memos' && change.rows) {
        const { rows: _local, ...shared } = change;
        channel?.postMessage(shared);
      } else {
        channel?.postMessage(change);
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      channel?.close();
    },
  };
}
