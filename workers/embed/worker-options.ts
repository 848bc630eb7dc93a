/**
 * The embedding worker's options travel in its name (a worker gets them before any message):
 * `embed` alone means the app's defaults; `embed {"backend":"webgpu"}` forces a backend
 * (benchmarks, tests). Shared by client.ts (which names the worker) and embed.worker.ts.
 */
import type { BrowserEmbedderOptions } from './browser-config';

const NAME = 'embed';

export function workerName(options: BrowserEmbedderOptions): string {
  return Object.keys(options).length === 0 ? NAME : `${NAME} ${JSON.stringify(options)}`;
}

/** The options in a worker's name; anything unreadable means the defaults. */
export function parseWorkerName(name: string): BrowserEmbedderOptions {
  if (!name.startsWith(`${NAME} `)) return {};
  try {
    const parsed = JSON.parse(name.slice(NAME.length + 1)) as Record<string, unknown>;
    const { backend, probeSoftwareAdapters } = parsed;
    return {
      ...(backend === 'auto' || backend === 'wasm' || backend === 'webgpu' ? { backend } : {}),
      ...(typeof probeSoftwareAdapters === 'boolean' ? { probeSoftwareAdapters } : {}),
    };
  } catch {
    return {};
  }
}
