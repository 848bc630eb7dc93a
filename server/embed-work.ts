/**
 * What the embedding service does for one Memos user, without HTTP: look vectors up by
 * content hash, make sure a request's texts have vectors (store first, then the threads for
 * what is missing, storing each slice as it is done), and warm a whole notebook up in the
 * background. Owns the service's on/off state.
 * Invariants:
 *  - the content hash of a text is computed here (workers/recall/content-hash.ts, the
 *    device's own function), never taken from the caller, so a stored vector always belongs
 *    to the text its key names;
 *  - a text is embedded at most once at a time: whoever needs a text that is being embedded
 *    (a request, the warm-up) waits for that result; texts are claimed synchronously, before
 *    any await, so two callers can never both decide to embed one;
 *  - background work is handed to a thread only when it is free (embed-pool.ts pulls it), so
 *    a request never waits behind a queue of warm-up slices;
 *  - a slice's vectors are stored before anyone is answered, so a dropped connection loses no
 *    work: asking again by hash finds them;
 *  - a full disk turns the service off (one log line) after answering the request that hit
 *    it; a store that cannot be opened turns it off too; off stays off until a restart.
 */
import { contentHash } from '../workers/recall/content-hash';
import type { WireItem } from '../workers/recall/vector-wire';
import type { EmbeddedText, EmbedPool, IdleSlice } from './embed-pool';
import { DiskFullError, type StoreModel, type VectorStore } from './embed-store';
import type { ModelVariant } from './embed-thread-protocol';
import type { Logger } from './logger';

export type ServiceState =
  | { on: true }
  | { on: false; reason: 'disk-full' | 'store-failed'; message: string };

export interface EmbedWork {
  state(): ServiceState;
  lookup(variant: ModelVariant, user: string, hashes: readonly string[]): Promise<WireItem[]>;
  /** Items for the texts that could be embedded, in text order (a failed slice leaves gaps). */
  embed(variant: ModelVariant, user: string, texts: readonly string[]): Promise<WireItem[]>;
  /**
   * Embeds, in the background and in the given order, the texts the store lacks; resolves
   * with how many this call embedded once every text is stored or taken care of by another.
   */
  warm(variant: ModelVariant, user: string, texts: readonly string[]): Promise<number>;
  stats(): { embedded: number; served: number };
  close(): Promise<void>;
}

export interface EmbedWorkOptions {
  openStore(): Promise<VectorStore>;
  pool: EmbedPool;
  logger: Logger;
  /** where the store lives, for the log line */
  storeLocation: string;
  /** texts per slice handed to one thread (default 8) */
  sliceTexts?: number;
  /**
   * The model ids this server serves: once the store opens, entries of any other model (files
   * replaced since) are deleted in the background. Undefined: nothing is pruned.
   */
  servedModels?: () => readonly string[];
}

interface WarmJob {
  variant: ModelVariant;
  user: string;
  items: Array<[hash: string, text: string]>;
  next: number;
  /** slices handed out and not settled */
  running: number;
  embedded: number;
  done(embedded: number): void;
}

const storeModel = (variant: ModelVariant): StoreModel => ({ modelId: variant.modelId, dim: variant.dim });
const keyOf = (variant: ModelVariant, user: string, hash: string) => `${variant.modelId}\0${user}\0${hash}`;
/** how many recently stored keys are remembered (so the warm-up skips them without a read) */
const RECENT_MAX = 200_000;
const WARM_READ_CHUNK = 1_000;

export function createEmbedWork(options: EmbedWorkOptions): EmbedWork {
  const sliceTexts = options.sliceTexts ?? 8;
  let state: ServiceState = { on: true };
  let store: Promise<VectorStore> | undefined;
  /** the pruning that follows the store's opening (see `prune`), and how close stops it */
  let pruning: Promise<void> | undefined;
  const closing = new AbortController();
  /** texts being embedded now: whoever needs one waits for it */
  const inflight = new Map<string, Promise<EmbeddedText | undefined>>();
  /** texts stored by this process lately */
  const recent = new Set<string>();
  const jobs: WarmJob[] = [];
  let embedded = 0;
  let served = 0;

  function turnOff(reason: 'disk-full' | 'store-failed', message: string): void {
    if (!state.on) return;
    state = { on: false, reason, message };
    options.logger.error(message);
    // Warm-up jobs hand out nothing more; each ends once its running slices are settled.
    for (const job of [...jobs]) {
      job.next = job.items.length;
      if (job.running === 0) completeJob(job);
    }
  }

  async function openedStore(): Promise<VectorStore> {
    if (!store) {
      store = options.openStore();
      pruning = store.then(prune, () => undefined);
    }
    try {
      return await store;
    } catch (error) {
      turnOff(
        'store-failed',
        `Embedding service turned off: its vector store at ${options.storeLocation} could not be opened (${error instanceof Error ? error.message : String(error)}). Devices embed on their own; fix the store (or remove that folder) and restart npm start.`,
      );
      throw error;
    }
  }

  async function save(variant: ModelVariant, user: string, entries: Array<[string, EmbeddedText]>) {
    embedded += entries.length;
    if (recent.size + entries.length > RECENT_MAX) recent.clear();
    for (const [hash] of entries) recent.add(keyOf(variant, user, hash));
    if (!state.on || entries.length === 0) return;
    try {
      await (await openedStore()).putMany(storeModel(variant), user, entries);
    } catch (error) {
      if (error instanceof DiskFullError) {
        turnOff(
          'disk-full',
          `Embedding service turned off: the disk holding ${options.storeLocation} is full (no space left on device). Devices embed on their own meanwhile; free some space and restart npm start.`,
        );
      } else {
        options.logger.warn(`embedding service: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }

  /** Drops the vectors of model files no longer served (once, right after the store opens). */
  async function prune(opened: VectorStore): Promise<void> {
    const served = options.servedModels?.();
    if (!served || served.length === 0) return;
    try {
      const removed = await opened.pruneModels(new Set(served), closing.signal);
      if (removed > 0)
        options.logger.info(
          `embedding service: removed ${removed} stored vectors of model files no longer served`,
        );
    } catch (error) {
      options.logger.warn(
        `embedding service: ${error instanceof Error ? error.message : String(error)} (old vectors stay until the next start)`,
      );
    }
  }

  /** Claims `hash` for the caller; returns how to settle the claim, or undefined if taken. */
  function claim(variant: ModelVariant, user: string, hash: string) {
    const key = keyOf(variant, user, hash);
    if (inflight.has(key)) return undefined;
    let settle: (value: EmbeddedText | undefined) => void = () => {};
    const mine = new Promise<EmbeddedText | undefined>((resolve) => {
      settle = resolve;
    });
    inflight.set(key, mine);
    return (value: EmbeddedText | undefined) => {
      if (inflight.get(key) === mine) inflight.delete(key);
      settle(value);
    };
  }

  /** Stores a slice's results and settles its claims. */
  async function finish(
    variant: ModelVariant,
    user: string,
    slice: Array<[string, string]>,
    result: EmbeddedText[] | Error,
    claims: Map<string, (value: EmbeddedText | undefined) => void>,
  ): Promise<Map<string, EmbeddedText>> {
    const entries =
      result instanceof Error
        ? []
        : slice.flatMap(([hash], i): Array<[string, EmbeddedText]> => {
            const value = result[i];
            return value ? [[hash, value]] : [];
          });
    await save(variant, user, entries);
    const byHash = new Map(entries);
    for (const [hash] of slice) claims.get(hash)?.(byHash.get(hash));
    return byHash;
  }

  function completeJob(job: WarmJob): void {
    const at = jobs.indexOf(job);
    if (at >= 0) jobs.splice(at, 1);
    job.done(job.embedded);
  }

  /** Background work for a free thread: the next slice of the oldest warm-up job with work left. */
  function nextWarmSlice(): IdleSlice | undefined {
    for (const job of [...jobs]) {
      if (!state.on) return undefined;
      const slice: Array<[string, string]> = [];
      const claims = new Map<string, (value: EmbeddedText | undefined) => void>();
      while (slice.length < sliceTexts && job.next < job.items.length) {
        const item = job.items[job.next++];
        if (!item || recent.has(keyOf(job.variant, job.user, item[0]))) continue;
        const settle = claim(job.variant, job.user, item[0]);
        if (!settle) continue; // a request embeds it right now
        claims.set(item[0], settle);
        slice.push(item);
      }
      if (slice.length === 0) {
        if (job.running === 0) completeJob(job);
        continue;
      }
      job.running++;
      return {
        variant: job.variant,
        texts: slice.map(([, text]) => text),
        settle: (result) => {
          void finish(job.variant, job.user, slice, result, claims).then((stored) => {
            job.embedded += stored.size;
            job.running--;
            if (job.running === 0 && job.next >= job.items.length) completeJob(job);
          });
        },
      };
    }
    return undefined;
  }
  options.pool.setIdleWork(nextWarmSlice);

  /** Vectors for every hash of `texts` (hash → text): stored, being embedded (waited for), or embedded now. */
  async function ensure(variant: ModelVariant, user: string, texts: ReadonlyMap<string, string>) {
    const found = new Map<string, EmbeddedText>();
    const others: Array<Promise<void>> = [];
    const claims = new Map<string, (value: EmbeddedText | undefined) => void>();
    for (const hash of texts.keys()) {
      const settle = claim(variant, user, hash);
      if (settle) claims.set(hash, settle);
      else {
        const pending = inflight.get(keyOf(variant, user, hash));
        others.push(
          (pending ?? Promise.resolve(undefined)).then((value) => {
            if (value) found.set(hash, value);
          }),
        );
      }
    }
    let failure: unknown;
    try {
      const db = await openedStore();
      const hashes = [...claims.keys()];
      const known = await db.getMany(storeModel(variant), user, hashes);
      const missing: Array<[string, string]> = [];
      hashes.forEach((hash, i) => {
        const value = known[i];
        if (value) {
          found.set(hash, value);
          claims.get(hash)?.(value);
        } else missing.push([hash, texts.get(hash) ?? '']);
      });
      const slices: Array<Promise<void>> = [];
      for (let from = 0; from < missing.length; from += sliceTexts) {
        const slice = missing.slice(from, from + sliceTexts);
        const texts = slice.map(([, text]) => text);
        slices.push(
          options.pool.embed(variant, texts).then(
            async (result) => {
              for (const [hash, value] of await finish(variant, user, slice, result, claims))
                found.set(hash, value);
            },
            async (error: unknown) => {
              failure ??= error;
              await finish(
                variant,
                user,
                slice,
                error instanceof Error ? error : new Error(String(error)),
                claims,
              );
            },
          ),
        );
      }
      await Promise.all(slices);
    } finally {
      for (const release of claims.values()) release(undefined); // settles only what is still open
    }
    await Promise.all(others);
    return { found, ...(failure === undefined ? {} : { failure }) };
  }

  return {
    state: () => state,
    async lookup(variant, user, hashes) {
      const db = await openedStore();
      const found = await db.getMany(storeModel(variant), user, hashes);
      const items: WireItem[] = [];
      found.forEach((value, i) => {
        const hash = hashes[i];
        if (value && hash !== undefined) items.push({ hash, ...value });
      });
      served += items.length;
      return items;
    },
    async embed(variant, user, texts) {
      const hashes = texts.map(contentHash);
      const byHash = new Map(hashes.map((hash, i) => [hash, texts[i] ?? '']));
      const { found, failure } = await ensure(variant, user, byHash);
      if (failure !== undefined && found.size === 0) throw failure;
      const items: WireItem[] = [];
      for (const hash of hashes) {
        const value = found.get(hash);
        if (value) items.push({ hash, ...value });
      }
      served += items.length;
      return items;
    },
    async warm(variant, user, texts) {
      const db = await openedStore();
      const byHash = new Map(texts.map((text) => [contentHash(text), text]));
      const items: Array<[string, string]> = [];
      const hashes = [...byHash.keys()];
      for (let from = 0; from < hashes.length; from += WARM_READ_CHUNK) {
        const chunk = hashes.slice(from, from + WARM_READ_CHUNK);
        const known = await db.getMany(storeModel(variant), user, chunk);
        chunk.forEach((hash, i) => {
          if (!known[i]) items.push([hash, byHash.get(hash) ?? '']);
        });
      }
      if (items.length === 0 || !state.on) return 0;
      return new Promise<number>((done) => {
        jobs.push({ variant, user, items, next: 0, running: 0, embedded: 0, done });
        options.pool.kick();
      });
    },
    stats: () => ({ embedded, served }),
    async close() {
      const opened = store;
      store = undefined;
      // The store closes only once the pruning has stopped (it reads and deletes through it).
      closing.abort();
      await pruning;
      for (const job of jobs.splice(0)) job.done(job.embedded);
      await options.pool.close();
      if (opened) await (await opened.catch(() => undefined))?.close();
    },
  };
}
