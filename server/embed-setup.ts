/**
 * Builds the home server's embedding service from the server's configuration: whether it
 * runs at all (EMBED_SERVICE), who may use it (service-gate.ts: with MEMOS_URL only tokens
 * Memos accepts; without it nobody unless EMBED_SERVICE=on), the model files it serves and
 * embeds with (`<dist>/models`, the very files the app downloads), its threads
 * (EMBED_THREADS) and its store (`<DATA_DIR>/embeddings`). Starts nothing: threads, model
 * and store open on first use.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_CHUNKING } from '../workers/embed/chunker';
import { MODEL_DIM, MODEL_NAME } from '../workers/embed/model-choice';
import { vectorModelId } from '../workers/embed/model-id';
import { MODEL_DTYPES, modelFilesDigest } from './embed-identity';
import { createEmbedPool } from './embed-pool';
import { createEmbedService, type EmbedLimits, type EmbedService } from './embed-service';
import { openVectorStore, type VectorStore } from './embed-store';
import type { ModelVariant } from './embed-thread-protocol';
import { createWarmup } from './embed-warmup';
import { createEmbedWork } from './embed-work';
import type { Logger } from './logger';
import { createServiceGate, type ServiceGateOptions } from './service-gate';

export type EmbedMode = 'auto' | 'on' | 'off';

export interface EmbedSetup {
  mode: EmbedMode;
  /** embedding threads (default: every core) */
  threads?: number | undefined;
  memosUrl: string | undefined;
  dataDir: string;
  /** folder holding the model folder (default `<dist>/models`) */
  modelsDir: string;
  /** default all-MiniLM-L6-v2 (workers/embed/model-choice.ts); tests use a tiny model */
  model?: { name: string; dim: number };
  logger: Logger;
  /** gate tuning (tests shorten the verdict cache) */
  gate?: Pick<ServiceGateOptions, 'acceptTtlMs' | 'refuseTtlMs' | 'timeoutMs'>;
  limits?: Partial<EmbedLimits>;
  /** opens the store (tests wrap the real one to inject faults) */
  openStore?: (location: string) => Promise<VectorStore>;
}

/** Whether the service exists: off, or auto without a Memos server, means no service. */
export function embedServiceEnabled(mode: EmbedMode, memosUrl: string | undefined): boolean {
  return mode === 'on' || (mode === 'auto' && memosUrl !== undefined);
}

/** Every variant (dtype) of the model whose files are all present, with its id. */
export function modelVariants(modelsDir: string, name: string, dim: number): ModelVariant[] {
  return MODEL_DTYPES.flatMap((dtype) => {
    const filesDigest = modelFilesDigest(modelsDir, name, dtype);
    if (!filesDigest) return [];
    return [
      {
        name,
        dtype,
        dim,
        filesDigest,
        modelId: vectorModelId({ name, dtype, chunking: DEFAULT_CHUNKING, filesDigest }),
      },
    ];
  });
}

export function setupEmbedService(setup: EmbedSetup): EmbedService | undefined {
  if (!embedServiceEnabled(setup.mode, setup.memosUrl)) return undefined;
  const threads = Math.max(1, setup.threads ?? availableParallelism());
  const model = setup.model ?? { name: MODEL_NAME, dim: MODEL_DIM };
  const storeLocation = join(setup.dataDir, 'embeddings');
  let variants: ModelVariant[] | undefined;
  const servedVariants = () => {
    variants ??= modelVariants(setup.modelsDir, model.name, model.dim);
    return variants;
  };
  const work = createEmbedWork({
    openStore: () => (setup.openStore ?? openVectorStore)(storeLocation),
    pool: createEmbedPool({ modelsDir: setup.modelsDir, threads }),
    logger: setup.logger,
    storeLocation,
    servedModels: () => servedVariants().map((variant) => variant.modelId),
  });
  return createEmbedService({
    gate: createServiceGate({
      memosUrl: setup.memosUrl,
      openWithoutMemos: setup.mode === 'on',
      serviceName: 'the embedding service',
      ...setup.gate,
    }),
    variants: servedVariants,
    work,
    warmup: setup.memosUrl
      ? createWarmup({ memosUrl: setup.memosUrl, work, logger: setup.logger })
      : undefined,
    access: setup.memosUrl === undefined ? 'anyone' : 'memos-tokens',
    threads,
    logger: setup.logger,
    ...(setup.limits ? { limits: setup.limits } : {}),
  });
}
