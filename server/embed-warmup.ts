/**
 * The warm-up: when a device connects (or finds much of its notebook without vectors), it
 * asks the server to read that user's notebook from Memos itself, with the device's token,
 * and embed what the store lacks while the device is still syncing, so the device then finds
 * the vectors by hash instead of waiting for them. The listing is the app's own
 * (sync/engine/listing.ts over sync/api/http-client.ts); the order is the device's (pinned,
 * then newest, archived last); the work runs in the background (embed-work.ts), so a
 * device's own requests go first.
 * Invariants: at most one warm-up per (user, model) at a time, and none again within a minute
 * of the last one; the token is held in memory only while the job runs; a failure ends the
 * job with one warning (the devices still ask for what they need).
 */
import { createHttpMemosApi, type FetchLike } from '../sync/api/http-client';
import type { RemoteMemo } from '../sync/core/remote';
import { listAllStates } from '../sync/engine/listing';
import type { ModelVariant } from './embed-thread-protocol';
import type { EmbedWork } from './embed-work';
import type { Logger } from './logger';

export interface Warmup {
  /** Starts reading `user`'s notebook unless that runs already or ran a moment ago. */
  request(variant: ModelVariant, user: string, token: string): { running: boolean };
  close(): void;
}

export interface WarmupOptions {
  memosUrl: string;
  work: EmbedWork;
  logger: Logger;
  fetch?: FetchLike;
  now?: () => number;
}

const AGAIN_AFTER_MS = 60_000;

/** The device's indexing order: pinned first, then the newest, archived memos last. */
export function warmupOrder(a: RemoteMemo, b: RemoteMemo): number {
  const rank = (m: RemoteMemo) => (m.state === 'ARCHIVED' ? 2 : m.pinned ? 0 : 1);
  return rank(a) - rank(b) || b.updateTime - a.updateTime;
}

export function createWarmup(options: WarmupOptions): Warmup {
  const now = options.now ?? (() => Date.now());
  const running = new Set<string>();
  const finishedAt = new Map<string, number>();
  let closed = false;

  async function run(variant: ModelVariant, user: string, token: string): Promise<void> {
    const api = createHttpMemosApi({
      baseUrl: options.memosUrl,
      token,
      timeoutMs: 60_000,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const listed = await listAllStates(api, { user, by: 'create' }, { requests: 0, bytes: 0 });
    if (!listed.ok) throw new Error(`reading the notebook from Memos failed: ${listed.error.message}`);
    const memos = [...listed.value.values()].filter((m) => m.creator === user).sort(warmupOrder);
    if (closed) return;
    await options.work.warm(
      variant,
      user,
      memos.map((m) => m.content),
    );
  }

  return {
    request(variant, user, token) {
      const key = `${variant.modelId}\0${user}`;
      if (running.has(key)) return { running: true };
      if (closed || now() - (finishedAt.get(key) ?? Number.NEGATIVE_INFINITY) < AGAIN_AFTER_MS) {
        return { running: false };
      }
      running.add(key);
      void run(variant, user, token)
        .catch((error: unknown) => {
          if (!closed) {
            options.logger.warn(
              `embedding warm-up for ${user} stopped: ${error instanceof Error ? error.message : String(error)}`,
            );
          }
        })
        .finally(() => {
          running.delete(key);
          finishedAt.set(key, now());
        });
      return { running: true };
    },
    close() {
      closed = true;
    },
  };
}
