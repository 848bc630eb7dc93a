/**
 * Issue 3 benchmark against a real Memos v0.30.0 with 10,000 memos: initial sync (time,
 * requests, bytes), a delta sync after one memo changed on the server versus a full
 * re-download measured in the same run, pushing 100 offline captures, and peak memory.
 * The engine runs in Node over fake-indexeddb (the same code as in the browser; storage
 * speed differs), talking HTTP to the real server.
 */
import 'fake-indexeddb/auto';
import { createHttpMemosApi, type FetchLike } from '../../sync/api/http-client';
import { newMemoUid } from '../../sync/core/ids';
import { createChangeFeed } from '../../sync/db/change-feed';
import { createMetaStore } from '../../sync/db/meta';
import { createNotebook } from '../../sync/db/notebook';
import { MemosDatabase } from '../../sync/db/schema';
import { runSyncPass } from '../../sync/engine/sync-pass';
import { createSyncStore } from '../../sync/engine/sync-store';
import { startMemos } from '../helpers/memos-instance';
import { makeCorpus } from './corpus';
import { round } from './harness';

const MEMOS = 10_000;

function countingFetch(counter: { requests: number; bytes: number }): FetchLike {
  return async (input, init) => {
    counter.requests++;
    const response = await fetch(input, init);
    const body = await response.arrayBuffer();
    counter.bytes += body.byteLength;
    return new Response(body, { status: response.status, headers: response.headers });
  };
}

async function seedServer(baseUrl: string, token: string): Promise<void> {
  const texts = makeCorpus(MEMOS, 7);
  let next = 0;
  const worker = async () => {
    while (next < texts.length) {
      const i = next++;
      const response = await fetch(`${baseUrl}/api/v1/memos?memoId=seed-${i}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          content: texts[i],
          visibility: 'PRIVATE',
          createTime: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
        }),
      });
      if (!response.ok) throw new Error(`seeding memo ${i}: HTTP ${response.status}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

/** A device running the app's own composition of a sync pass (sync/engine/sync-pass.ts). */
function device(name: string, baseUrl: string, token: string, counter: { requests: number; bytes: number }) {
  const db = new MemosDatabase(name);
  const feed = createChangeFeed(name, undefined);
  const now = () => Date.now();
  const meta = createMetaStore(db, feed);
  const api = createHttpMemosApi({ baseUrl, token, fetch: countingFetch(counter), timeoutMs: 120_000 });
  const store = createSyncStore(db, feed, now);
  const engine = {
    syncOnce: (request: { mode: 'full' | 'delta' }) =>
      runSyncPass(
        {
          api,
          store,
          meta,
          now,
          newUid: () => newMemoUid(),
          isOnline: () => true,
          expectedUser: 'users/admin',
        },
        request,
      ),
  };
  return { db, engine, notebook: createNotebook({ db, feed, now }) };
}

export async function benchSync() {
  const memos = await startMemos();
  let peakRss = 0;
  let peakHeap = 0;
  const sampler = setInterval(() => {
    const usage = process.memoryUsage();
    peakRss = Math.max(peakRss, usage.rss);
    peakHeap = Math.max(peakHeap, usage.heapUsed);
  }, 50);
  try {
    const seedStart = Date.now();
    await seedServer(memos.baseUrl, memos.admin.token);
    const seedMs = Date.now() - seedStart;

    const counter = { requests: 0, bytes: 0 };
    const phone = device('bench-phone', memos.baseUrl, memos.admin.token, counter);
    const initialStart = Date.now();
    const initial = await phone.engine.syncOnce({ mode: 'full' });
    const initialMs = Date.now() - initialStart;
    if (!initial.ok) throw new Error(`initial sync failed: ${initial.error?.message}`);
    const local = await phone.db.memos.count();
    const initialCounts = { ...counter };

    // One memo changes on the server; compare a delta pass with a full re-download.
    await fetch(`${memos.baseUrl}/api/v1/memos/seed-1234?updateMask=content,update_time`, {
      method: 'PATCH',
      headers: { Authorization: `Bearer ${memos.admin.token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ content: 'changed on the server for the delta benchmark #bench' }),
    });
    await new Promise((resolve) => setTimeout(resolve, 6_000)); // leave the 5 s delta overlap window
    counter.requests = 0;
    counter.bytes = 0;
    const deltaStart = Date.now();
    const delta = await phone.engine.syncOnce({ mode: 'delta' });
    const deltaMs = Date.now() - deltaStart;
    const deltaCounts = { ...counter };
    const changed = (await phone.db.memos.get('memos/seed-1234' as never))?.content.startsWith(
      'changed on the server',
    );

    counter.requests = 0;
    counter.bytes = 0;
    const fullStart = Date.now();
    await phone.engine.syncOnce({ mode: 'full' });
    const fullMs = Date.now() - fullStart;
    const fullCounts = { ...counter };

    // 100 memos captured offline, then pushed.
    for (let i = 0; i < 100; i++)
      await phone.notebook.create({ content: `offline capture ${i} #bench`, visibility: 'PRIVATE' });
    counter.requests = 0;
    counter.bytes = 0;
    const pushStart = Date.now();
    const push = await phone.engine.syncOnce({ mode: 'delta' });
    const pushMs = Date.now() - pushStart;

    return {
      serverMemos: MEMOS,
      seedServerMs: seedMs,
      initialSync: {
        ms: initialMs,
        requests: initialCounts.requests,
        bytes: initialCounts.bytes,
        memosLocal: local,
      },
      deltaAfterOneChange: {
        ms: deltaMs,
        requests: deltaCounts.requests,
        bytes: deltaCounts.bytes,
        pulled: delta.pulled,
        changeArrived: changed === true,
      },
      fullRedownload: { ms: fullMs, requests: fullCounts.requests, bytes: fullCounts.bytes },
      deltaBytesShareOfFull: `${round((100 * deltaCounts.bytes) / fullCounts.bytes, 3)}%`,
      push100OfflineCaptures: { ms: pushMs, requests: counter.requests, pushed: push.pushed, ok: push.ok },
      peakMemoryMB: { rss: round(peakRss / 1024 / 1024), heapUsed: round(peakHeap / 1024 / 1024) },
    };
  } finally {
    clearInterval(sampler);
    await memos.stop();
  }
}
