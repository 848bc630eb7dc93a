/**
 * How the embedder uses the model: run-plan.ts (windows grouped into runs with bounded
 * padding, checked as properties over random lengths and policies) and run-queue.ts (one
 * run at a time, search queries before waiting document runs), and the embedder itself with
 * the tiny generated model: a query asked while a long embedDocuments call is in progress is
 * answered before that call finishes, after at most the run in progress.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmbedder } from '../../workers/embed/embedder';
import { paddingRatio, planRuns, type RunPolicy } from '../../workers/embed/run-plan';
import { createRunQueue } from '../../workers/embed/run-queue';
import { writeTinyModel } from '../helpers/tiny-model';

describe('planRuns', () => {
  const policy = fc.record({
    maxBatch: fc.integer({ min: 1, max: 16 }),
    maxRunTokens: fc.integer({ min: 1, max: 4096 }),
    maxPadding: fc.double({ min: 0, max: 1, noNaN: true }),
  });
  const lengths = fc.array(fc.integer({ min: 2, max: 256 }), { maxLength: 80 });

  it('[E7] puts every window in exactly one run, longest first, within the policy', () => {
    fc.assert(
      fc.property(lengths, policy, (windows: number[], rules: RunPolicy) => {
        const runs = planRuns(windows, rules);
        expect(
          runs
            .flat()
            .slice()
            .sort((a, b) => a - b),
        ).toEqual(windows.map((_, i) => i));
        for (const run of runs) {
          expect(run.length).toBeGreaterThan(0);
          const sizes = run.map((i) => windows[i] ?? 0);
          expect(sizes).toEqual([...sizes].sort((a, b) => b - a));
          if (run.length === 1) continue;
          const padded = run.length * Math.max(...sizes);
          const real = sizes.reduce((a, b) => a + b, 0);
          expect(run.length).toBeLessThanOrEqual(rules.maxBatch);
          expect(padded).toBeLessThanOrEqual(rules.maxRunTokens);
          expect(padded).toBeLessThanOrEqual((1 + rules.maxPadding) * real + 1e-9);
        }
      }),
      { seed: 1010, numRuns: 300 },
    );
  });

  it('[E7] packs equal lengths together and keeps a mix of short and long windows apart', () => {
    expect(planRuns([100, 100, 100, 100], { maxBatch: 8, maxRunTokens: 2048, maxPadding: 0.1 })).toEqual([
      [0, 1, 2, 3],
    ]);
    const mixed = [256, 36, 256, 40, 38];
    const runs = planRuns(mixed, { maxBatch: 8, maxRunTokens: 2048, maxPadding: 0.1 });
    expect(runs).toEqual([
      [0, 2],
      [3, 4, 1],
    ]);
    expect(paddingRatio(mixed, runs)).toBeLessThan(1.1);
    // The old plan (everything in one run) computes twice the real tokens.
    expect(paddingRatio(mixed, [[0, 1, 2, 3, 4]])).toBeGreaterThan(2);
  });

  it('[E8] never lets a run exceed the token budget, so a run holds the model briefly', () => {
    const runs = planRuns(Array(20).fill(256), { maxBatch: 16, maxRunTokens: 1024, maxPadding: 0.1 });
    expect(runs.map((r) => r.length)).toEqual([4, 4, 4, 4, 4]);
  });
});

/** A job that runs until `finish()` is called. */
function gate() {
  let finish = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return { done, finish: () => finish() };
}

describe('run queue', () => {
  it('[E8] runs one job at a time and starts a waiting query before waiting document runs', async () => {
    const queue = createRunQueue();
    const order: string[] = [];
    let running = 0;
    const first = gate();
    let started = () => {};
    const firstStarted = new Promise<void>((resolve) => {
      started = resolve;
    });
    const job = (name: string, wait?: Promise<void>) => async () => {
      running++;
      expect(running).toBe(1);
      order.push(name);
      if (wait) started();
      await wait;
      running--;
      return name;
    };
    const all = [queue.run('documents', job('doc-1', first.done))];
    await firstStarted;
    all.push(
      queue.run('documents', job('doc-2')),
      queue.run('documents', job('doc-3')),
      queue.run('query', job('query-1')),
      queue.run('query', job('query-2')),
    );
    expect(queue.waiting).toEqual({ query: 2, documents: 2 });
    first.finish();
    expect(await Promise.all(all)).toEqual(['doc-1', 'doc-2', 'doc-3', 'query-1', 'query-2']);
    expect(order).toEqual(['doc-1', 'query-1', 'query-2', 'doc-2', 'doc-3']);
  });

  it('[E8] lets in a query that arrives as a message while a blocking run holds the thread', async () => {
    // On wasm a model run blocks its thread: a query's message can only be read between runs.
    const queue = createRunQueue();
    const order: string[] = [];
    const spin = (ms: number) => {
      const end = performance.now() + ms;
      while (performance.now() < end) {
        // the model computing
      }
    };
    let asked: Promise<string> | undefined;
    const documents = Array.from({ length: 6 }, (_, i) =>
      queue.run('documents', async () => {
        if (i === 0) {
          // The query's message arrives while this run computes (a task, not a microtask).
          setTimeout(() => {
            asked = queue.run('query', async () => {
              order.push('query');
              return 'answered';
            });
          }, 0);
        }
        spin(20);
        order.push(`doc-${i}`);
      }),
    );
    await Promise.all(documents);
    expect(await asked).toBe('answered');
    expect(order.indexOf('query')).toBe(1);
  });

  it('[E10] holds document runs while the user is active, never queries', async () => {
    const queue = createRunQueue();
    const order: string[] = [];
    const heldUntil = performance.now() + 80;
    queue.holdDocuments(heldUntil);
    let docStartedAt = 0;
    const doc = queue.run('documents', async () => {
      docStartedAt = performance.now();
      order.push('doc');
    });
    const query = queue.run('query', async () => {
      order.push('query');
    });
    await Promise.all([doc, query]);
    expect(order).toEqual(['query', 'doc']);
    expect(docStartedAt).toBeGreaterThanOrEqual(heldUntil);
  });

  it('[E8] rejects only the failed job and keeps going', async () => {
    const queue = createRunQueue();
    const failing = queue.run('documents', async () => {
      throw new Error('adapter lost');
    });
    const thrownSync = queue.run('documents', () => {
      throw new Error('sync throw');
    });
    const next = queue.run('query', async () => 'answered');
    await expect(failing).rejects.toThrow('adapter lost');
    await expect(thrownSync).rejects.toThrow('sync throw');
    await expect(next).resolves.toBe('answered');
  });
});

describe('embedder with the tiny model', () => {
  let dir = '';
  let tiny: { modelId: string; localModelPath: string };
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'embed-scheduling-'));
    tiny = await writeTinyModel(dir, { dim: 32 });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('[E8] answers a query asked during a long embedDocuments call before that call ends', async () => {
    const embedder = createEmbedder({
      name: tiny.modelId,
      dtype: 'q8',
      dim: 32,
      source: { kind: 'filesystem', localModelPath: tiny.localModelPath },
      runs: { maxBatch: 1, maxRunTokens: 256, maxPadding: 0 },
    });
    expect((await embedder.load()).ok).toBe(true);
    const texts = Array.from({ length: 40 }, (_, i) => `memo ${i} about the garden and coffee`);
    const events: string[] = [];
    let runsSeen = 0;
    let queryAsked: Promise<void> | undefined;
    const documents = embedder
      .embedDocuments(texts, {}, ({ done }) => {
        runsSeen = done;
        // Ask once the call is well under way; the answer must come before it ends.
        if (done === 5) {
          queryAsked = embedder.embedQuery('garden').then((vector) => {
            expect(vector).toHaveLength(32);
            events.push(`query answered after run ${runsSeen}`);
          });
        }
      })
      .then(() => events.push('documents done'));
    await documents;
    await queryAsked;
    expect(events[0]).toMatch(/^query answered after run [56]$/);
    expect(events[1]).toBe('documents done');
    const stats = await embedder.stats();
    expect(stats.runs).toBe(41);
    expect(stats.queries).toBe(1);
  });

  it('[E7] embeds the same vectors whatever the run plan', async () => {
    const make = (runs: RunPolicy) =>
      createEmbedder({
        name: tiny.modelId,
        dtype: 'q8',
        dim: 32,
        source: { kind: 'filesystem', localModelPath: tiny.localModelPath },
        runs,
      });
    const texts = ['a short one', 'garden '.repeat(300), 'coffee and tea', 'x'];
    const one = await make({ maxBatch: 1, maxRunTokens: 256, maxPadding: 0 }).embedDocuments(texts);
    const packed = await make({ maxBatch: 16, maxRunTokens: 8192, maxPadding: 10 }).embedDocuments(texts);
    expect(packed.chunkCounts).toEqual(one.chunkCounts);
    packed.vectors.forEach((value, i) => {
      expect(value).toBeCloseTo(one.vectors[i] ?? Number.NaN, 5);
    });
  });
});
