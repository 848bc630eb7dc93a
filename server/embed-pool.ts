/**
 * The home server's embedding threads: `threads` worker threads (embed-thread.ts), each
 * running the model single-threaded, fed from one FIFO queue of small slices (a few texts
 * each; callers cut their work into slices) that devices wait for, and, when that queue is
 * empty, from background work (the warm-up from Memos) pulled one slice at a time from its
 * supplier at the moment a thread is free. Several requests and devices share the cores; a
 * request waits behind at most the slices already running, and background work is never
 * queued ahead of anything (so nothing a request waits for can starve). Threads start on the
 * first slice.
 * Invariants:
 *  - every `embed` call (one slice) settles exactly once;
 *  - a thread that dies fails only the slice it was running and is replaced on demand;
 *  - results come back in the order of the texts given.
 */
import { Worker } from 'node:worker_threads';
import type { FromThread, ModelVariant, ThreadConfig, ToThread } from './embed-thread-protocol';

export interface EmbeddedText {
  chunks: number;
  truncated: boolean;
  /** chunks * dim floats */
  vectors: Float32Array;
}

/** The model files could not be loaded: the service cannot embed with this variant. */
export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

export class EmbedFailedError extends Error {
  override name = 'EmbedFailedError';
}

/** One slice of background work, taken from its supplier when a thread is free. */
export interface IdleSlice {
  variant: ModelVariant;
  texts: string[];
  settle(result: EmbeddedText[] | Error): void;
}

export interface EmbedPool {
  /** Embeds one slice (a few texts) on the next free thread. */
  embed(variant: ModelVariant, texts: readonly string[]): Promise<EmbeddedText[]>;
  /** Where free threads take background work from when no request waits (undefined: none). */
  setIdleWork(supplier: (() => IdleSlice | undefined) | undefined): void;
  /** Background work appeared: let free threads ask the supplier. */
  kick(): void;
  /** threads started, slices waiting, texts embedded since start */
  stats(): { threads: number; queued: number; embedded: number };
  close(): Promise<void>;
}

export interface EmbedPoolOptions {
  modelsDir: string;
  threads: number;
}

interface Slice {
  variant: ModelVariant;
  texts: string[];
  resolve(result: EmbeddedText[]): void;
  reject(error: Error): void;
}

interface Thread {
  worker: Worker;
  current: (Slice & { id: number }) | undefined;
}

const BOOT = new URL('./embed-thread-boot.mjs', import.meta.url);

function split(
  vectors: Float32Array,
  chunkCounts: number[],
  truncated: boolean[],
  dim: number,
): EmbeddedText[] {
  let row = 0;
  return chunkCounts.map((chunks, i) => {
    const text = {
      chunks,
      truncated: truncated[i] ?? false,
      vectors: vectors.slice(row * dim, (row + chunks) * dim),
    };
    row += chunks;
    return text;
  });
}

export function createEmbedPool(options: EmbedPoolOptions): EmbedPool {
  const queue: Slice[] = [];
  let idleWork: (() => IdleSlice | undefined) | undefined;
  const threads: Thread[] = [];
  let nextId = 1;
  let embedded = 0;
  let closed = false;

  function spawn(): Thread {
    const config: ThreadConfig = { modelsDir: options.modelsDir, intraOpThreads: 1 };
    const thread: Thread = { worker: new Worker(BOOT, { workerData: config }), current: undefined };
    const fail = (error: Error) => {
      const slice = thread.current;
      thread.current = undefined;
      threads.splice(threads.indexOf(thread), 1);
      slice?.reject(error);
      pump();
    };
    thread.worker.on('message', (message: FromThread) => {
      const slice = thread.current;
      if (!slice || message.id !== slice.id) return;
      thread.current = undefined;
      if (message.type === 'embedded') {
        embedded += slice.texts.length;
        slice.resolve(split(message.vectors, message.chunkCounts, message.truncated, slice.variant.dim));
      } else if (message.reason === 'model') {
        slice.reject(new ModelLoadError(message.message));
      } else {
        slice.reject(new EmbedFailedError(message.message));
      }
      pump();
    });
    thread.worker.on('error', (error) =>
      fail(new EmbedFailedError(`an embedding thread failed: ${error.message}`)),
    );
    thread.worker.on('exit', (code) => {
      if (threads.includes(thread)) fail(new EmbedFailedError(`an embedding thread exited (code ${code})`));
    });
    threads.push(thread);
    return thread;
  }

  function nextSlice(): Slice | undefined {
    const request = queue.shift();
    if (request) return request;
    const idle = idleWork?.();
    if (!idle) return undefined;
    return {
      variant: idle.variant,
      texts: idle.texts,
      resolve: (result) => idle.settle(result),
      reject: (error) => idle.settle(error),
    };
  }

  function pump(): void {
    if (closed) return;
    for (;;) {
      const free = threads.find((t) => t.current === undefined);
      if (!free && threads.length >= options.threads) return;
      const slice = nextSlice();
      if (!slice) return;
      const idle = free ?? spawn();
      const id = nextId++;
      idle.current = { ...slice, id };
      const message: ToThread = { type: 'embed', id, variant: slice.variant, texts: slice.texts };
      idle.worker.postMessage(message);
    }
  }

  return {
    embed(variant, texts) {
      if (closed) return Promise.reject(new EmbedFailedError('the embedding service is closed'));
      if (texts.length === 0) return Promise.resolve([]);
      const done = new Promise<EmbeddedText[]>((resolve, reject) => {
        queue.push({ variant, texts: [...texts], resolve, reject });
      });
      pump();
      return done;
    },
    setIdleWork(supplier) {
      idleWork = supplier;
      pump();
    },
    kick: () => pump(),
    stats: () => ({ threads: threads.length, queued: queue.length, embedded }),
    async close() {
      closed = true;
      idleWork = undefined;
      for (const slice of queue.splice(0))
        slice.reject(new EmbedFailedError('the embedding service is closed'));
      const running = threads.splice(0);
      for (const thread of running)
        thread.current?.reject(new EmbedFailedError('the embedding service is closed'));
      await Promise.all(running.map((thread) => thread.worker.terminate()));
    },
  };
}
