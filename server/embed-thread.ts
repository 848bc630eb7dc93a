/**
 * One embedding thread of the home server, started by embed-pool.ts (through
 * embed-thread-boot.mjs). It runs the app's own embedder (workers/embed/embedder.ts) on
 * onnxruntime-node, so windows, pooling and normalisation are the device's by construction;
 * onnxruntime-node's `run` is synchronous, which is why it lives off the server's event loop.
 * Invariants: one embedder per model variant, loaded on first use; one batch at a time (the
 * embedder serializes); every request gets exactly one answer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { EmbedWorkerApi } from '../workers/embed/api';
import { createEmbedder } from '../workers/embed/embedder';
import type { FromThread, ModelVariant, ThreadConfig, ToThread } from './embed-thread-protocol';

const port = parentPort;
if (!port) throw new Error('server/embed-thread.ts must run in a worker thread');
const config = workerData as ThreadConfig;
const embedders = new Map<string, EmbedWorkerApi>();

function embedderFor(variant: ModelVariant): EmbedWorkerApi {
  let embedder = embedders.get(variant.modelId);
  if (!embedder) {
    embedder = createEmbedder({
      name: variant.name,
      dtype: variant.dtype,
      dim: variant.dim,
      filesDigests: { [variant.dtype]: variant.filesDigest },
      // The device's run plan (run-plan.ts: one window per run). Measured natively here too
      // (one thread, onnxruntime-node 1.30, notebook-length memos): 1-4 windows per run embed
      // ~50% more memos per core-second than 16, and keep a thread at ~60 MB over the loaded
      // model instead of ~630 MB.
      source: { kind: 'filesystem', localModelPath: config.modelsDir, threads: config.intraOpThreads },
    });
    embedders.set(variant.modelId, embedder);
  }
  return embedder;
}

async function answer(message: ToThread): Promise<FromThread> {
  const embedder = embedderFor(message.variant);
  const outcome = await embedder.load();
  if (!outcome.ok)
    return { type: 'failed', id: message.id, reason: 'model', message: outcome.failure.message };
  try {
    const result = await embedder.embedDocuments(message.texts);
    return {
      type: 'embedded',
      id: message.id,
      vectors: result.vectors,
      chunkCounts: result.chunkCounts,
      truncated: result.truncated,
    };
  } catch (error) {
    return {
      type: 'failed',
      id: message.id,
      reason: 'embed',
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

port.on('message', (message: ToThread) => {
  void answer(message).then((reply) => {
    port.postMessage(reply, reply.type === 'embedded' ? [reply.vectors.buffer as ArrayBuffer] : []);
  });
});
