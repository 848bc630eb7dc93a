/** Entry of the benchmark page: exposes the measurements to the Node driver (run.ts). */
import { compare } from './page-ann';
import {
  embedAll,
  embedder,
  preparePlans,
  runAppPlan,
  runPlan,
  throughput,
  toBase64,
} from './page-embedding';
import { modelId, queryLatency, recallReady, seed, timeToFirstResult, waitSaved } from './page-recall';

async function embedQueries(queries: string[]): Promise<string> {
  const api = await embedder();
  const out = new Float32Array(queries.length * 384);
  for (const [i, query] of queries.entries()) out.set(await api.embedQuery(query), i * 384);
  return toBase64(out);
}

Object.assign(window, {
  bench: {
    throughput,
    preparePlans,
    runPlan,
    runAppPlan,
    embedAll,
    embedQueries,
    compare,
    seed,
    modelId,
    recallReady,
    waitSaved,
    timeToFirstResult,
    queryLatency,
    environment: async () => ({
      crossOriginIsolated: self.crossOriginIsolated,
      cores: navigator.hardwareConcurrency,
      sharedArrayBuffer: typeof SharedArrayBuffer,
    }),
  },
});
document.title = 'bench ready';
