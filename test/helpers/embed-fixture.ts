/**
 * Fixtures for the home-server embedding tests: the tiny generated model (test/helpers/
 * tiny-model.ts) written once into a models folder, the model id both sides give its
 * vectors (digest of its files, as the app's build and the server compute it), an in-process
 * "device" embedder over the same files, and a real app server (server/app-server.ts) with
 * the embedding service on that folder, in a fresh DATA_DIR.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppServerOptions, type RunningAppServer, startAppServer } from '../../server/app-server';
import { modelFilesDigest } from '../../server/embed-identity';
import type { EmbedSetup } from '../../server/embed-setup';
import type { Logger } from '../../server/logger';
import { DEFAULT_CHUNKING } from '../../workers/embed/chunker';
import { createEmbedder, type EmbedderConfig } from '../../workers/embed/embedder';
import { vectorModelId } from '../../workers/embed/model-id';
import { makeFixtureDist } from '../unit/server/helpers';
import { writeTinyModel } from './tiny-model';

export interface TinyModelFolder {
  modelsDir: string;
  name: string;
  dim: number;
  modelId: string;
  filesDigest: string;
  /** an embedder over the same files, as a device would run it */
  deviceConfig(): EmbedderConfig;
  remove(): Promise<void>;
}

export async function tinyModelFolder(dim = 32): Promise<TinyModelFolder> {
  const modelsDir = await mkdtemp(join(tmpdir(), 'embed-models-'));
  const tiny = await writeTinyModel(modelsDir, { dim });
  const filesDigest = modelFilesDigest(modelsDir, tiny.modelId, 'q8');
  if (!filesDigest) throw new Error('tiny model files missing');
  const deviceConfig = (): EmbedderConfig => ({
    name: tiny.modelId,
    dtype: 'q8',
    dim,
    filesDigests: { q8: filesDigest },
    source: { kind: 'filesystem', localModelPath: modelsDir },
  });
  return {
    modelsDir,
    name: tiny.modelId,
    dim,
    filesDigest,
    modelId: vectorModelId({ name: tiny.modelId, dtype: 'q8', chunking: DEFAULT_CHUNKING, filesDigest }),
    deviceConfig,
    remove: () => rm(modelsDir, { recursive: true, force: true }),
  };
}

export function deviceEmbedder(model: TinyModelFolder) {
  return createEmbedder(model.deviceConfig());
}

/** A logger that keeps every line (the tests read what the operator would see). */
export function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (message) => lines.push(`info: ${message}`),
    warn: (message) => lines.push(`warning: ${message}`),
    error: (message) => lines.push(`error: ${message}`),
  };
}

export interface EmbedApp {
  url: string;
  server: RunningAppServer;
  dataDir: string;
  logger: ReturnType<typeof recordingLogger>;
  close(): Promise<void>;
}

/** The real app server with the embedding service on `model`, in a fresh (or given) DATA_DIR. */
export async function startEmbedApp(
  model: TinyModelFolder,
  options: {
    mode?: EmbedSetup['mode'];
    memosUrl?: string;
    dataDir?: string;
    port?: number;
    embed?: Partial<Omit<EmbedSetup, 'memosUrl' | 'dataDir' | 'logger' | 'modelsDir' | 'model'>>;
  } = {},
): Promise<EmbedApp> {
  const root = await mkdtemp(join(tmpdir(), 'embed-app-'));
  const dataDir = options.dataDir ?? join(root, 'data');
  const logger = recordingLogger();
  const serverOptions: AppServerOptions = {
    distDir: makeFixtureDist(root),
    host: '127.0.0.1',
    port: options.port ?? 0,
    tls: 'off',
    dataDir,
    logger,
    ...(options.memosUrl ? { memosUrl: options.memosUrl } : {}),
    embed: {
      mode: options.mode ?? 'on',
      threads: 1,
      modelsDir: model.modelsDir,
      model: { name: model.name, dim: model.dim },
      ...options.embed,
    },
  };
  const server = await startAppServer(serverOptions);
  return {
    url: `http://127.0.0.1:${server.port}`,
    server,
    dataDir,
    logger,
    async close() {
      await server.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}
