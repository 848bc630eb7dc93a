/**
 * Coordination between the recall workers of several tabs of this origin.
 *  - Leadership: the holder of the Web Lock `memos-offline-recall` embeds in the background
 *    and saves the index; the others only answer queries (and explicit `index` calls).
 *    The lock is released when its worker ends, so another tab takes over.
 *  - The channel `memos-offline-recall` announces memos whose cached embeddings changed,
 *    so every tab's in-memory index re-reads them, and asks the leader to scan again after
 *    a Re-index. Messages are a discriminated union; anything else is ignored.
 */
import { type MemoName, parseMemoName, RECALL_LOCK } from '../../sync';

export type RecallPeerMessage =
  | { type: 'stored'; names: MemoName[] }
  /** a tab cleared the stored vectors (Re-index): the leader scans the notebook again */
  | { type: 'rescan' };

export function parsePeerMessage(data: unknown): RecallPeerMessage | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { type, names } = data as { type?: unknown; names?: unknown };
  if (type === 'rescan') return { type };
  if (type !== 'stored' || !Array.isArray(names)) return undefined;
  return { type, names: names.map(parseMemoName).filter((n): n is MemoName => n !== undefined) };
}

export interface Peers {
  publish(message: RecallPeerMessage): void;
  subscribe(listener: (message: RecallPeerMessage) => void): () => void;
  close(): void;
}

export function broadcastPeers(channel: BroadcastChannel): Peers {
  const listeners = new Set<(message: RecallPeerMessage) => void>();
  channel.onmessage = (event: MessageEvent) => {
    const message = parsePeerMessage(event.data);
    if (message) for (const listener of [...listeners]) listener(message);
  };
  return {
    publish: (message) => channel.postMessage(message),
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      listeners.clear();
      channel.close();
    },
  };
}

export interface LockManagerLike {
  request(name: string, callback: () => Promise<void>): Promise<unknown>;
}

/** Calls `lead` once this context holds the recall lock (at once without Web Locks). */
export function requestLeadership(locks: LockManagerLike | undefined, lead: () => void): void {
  if (!locks) {
    lead();
    return;
  }
  void locks
    .request(RECALL_LOCK, () => {
      lead();
      return new Promise<void>(() => {}); // held until this worker ends
    })
    .catch(() => undefined);
}
