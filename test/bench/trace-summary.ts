/**
 * Records a Chrome trace of the whole browser over CDP (every process and thread, workers
 * included, with V8's sampling CPU profiler) and reduces it to where CPU time went: busy
 * milliseconds per thread (sum of the thread time of its top-level tasks), each worker
 * named by its script URL, and the functions with the most self time per thread. Used by
 * the notebook benchmark to say what the app's first embedding spends its CPU on.
 */
import type { CDPSession } from 'playwright-core';

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  id?: string;
  args?: Record<string, unknown>;
}

export interface ThreadCpu {
  thread: string;
  busyMs: number;
  /** busyMs / window */
  share: number;
  /** functions with the most sampled self time, ms */
  top: Array<{ fn: string; ms: number }>;
}

export interface TraceSummary {
  windowMs: number;
  threads: ThreadCpu[];
}

const CATEGORIES = [
  '__metadata',
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'v8.execute',
  'disabled-by-default-v8.cpu_profiler',
  'blink.user_timing',
];

export interface TraceRecorder {
  stop(): Promise<TraceSummary>;
}

export async function startTrace(cdp: CDPSession): Promise<TraceRecorder> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (event) => {
    // CDP's types give the events as string maps; they are trace events.
    for (const e of event.value as unknown as TraceEvent[]) events.push(e);
  });
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: CATEGORIES, recordMode: 'recordContinuously' },
    transferMode: 'ReportEvents',
  });
  const started = Date.now();
  return {
    async stop() {
      const windowMs = Date.now() - started;
      await cdp.send('Tracing.end');
      await complete;
      return summarize(events, windowMs);
    },
  };
}

const TOP_LEVEL = new Set(['ThreadControllerImpl::RunTask', 'RunTask']);

interface ProfileNode {
  id: number;
  callFrame?: { functionName?: string; url?: string; lineNumber?: number };
  parent?: number;
}

function shortUrl(url: string): string {
  return url.replace(/^.*\//, '').replace(/-[A-Za-z0-9_-]{8}\.js$/, '.js');
}

function threadNames(events: readonly TraceEvent[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const e of events) {
    if (e.name === 'thread_name') names.set(`${e.pid}/${e.tid}`, String(e.args?.name ?? ''));
  }
  for (const e of events) {
    // The page tells which script each worker thread runs.
    const data = e.args?.data as { workerThreadId?: number; url?: string } | undefined;
    if (e.name === 'TracingSessionIdForWorker' && data?.workerThreadId !== undefined) {
      names.set(`${e.pid}/${data.workerThreadId}`, `worker ${shortUrl(data.url ?? '')}`);
    }
  }
  const processes = new Map<number, string>();
  for (const e of events) if (e.name === 'process_name') processes.set(e.pid, String(e.args?.name ?? ''));
  for (const [key, name] of names) {
    const pid = Number(key.split('/')[0]);
    names.set(key, `${processes.get(pid) ?? pid}: ${name}`);
  }
  return names;
}

/** Self time per function from the sampling profiler, by the thread that was sampled. */
function profileSelfTimes(events: readonly TraceEvent[]): Map<string, Map<string, number>> {
  const threadOf = new Map<string, string>();
  for (const e of events)
    if (e.name === 'Profile' && e.id) threadOf.set(`${e.pid}:${e.id}`, `${e.pid}/${e.tid}`);
  const nodes = new Map<string, Map<number, string>>();
  const out = new Map<string, Map<string, number>>();
  for (const e of events) {
    if (e.name !== 'ProfileChunk' || !e.id) continue;
    const key = `${e.pid}:${e.id}`;
    const thread = threadOf.get(key);
    if (!thread) continue;
    const data = e.args?.data as
      | { cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] }
      | undefined;
    const table = nodes.get(key) ?? new Map<number, string>();
    nodes.set(key, table);
    for (const node of data?.cpuProfile?.nodes ?? []) {
      const frame = node.callFrame ?? {};
      const fn = frame.functionName || '(anonymous)';
      table.set(node.id, frame.url ? `${fn} ${shortUrl(frame.url)}` : fn);
    }
    const samples = data?.cpuProfile?.samples ?? [];
    const deltas = data?.timeDeltas ?? [];
    const totals = out.get(thread) ?? new Map<string, number>();
    out.set(thread, totals);
    samples.forEach((id, i) => {
      const fn = table.get(id) ?? '?';
      // A sample's weight is the time until the next one (deltas are in microseconds).
      const ms = Math.max(0, deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
      totals.set(fn, (totals.get(fn) ?? 0) + ms);
    });
  }
  return out;
}

export function summarize(events: readonly TraceEvent[], windowMs: number): TraceSummary {
  const names = threadNames(events);
  const busy = new Map<string, number>();
  // Only outermost tasks: nested RunTask events would be counted twice.
  const byThread = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.ph !== 'X' || e.tdur === undefined || !TOP_LEVEL.has(e.name)) continue;
    const key = `${e.pid}/${e.tid}`;
    const list = byThread.get(key) ?? [];
    list.push(e);
    byThread.set(key, list);
  }
  for (const [key, list] of byThread) {
    list.sort((a, b) => a.ts - b.ts);
    let end = Number.NEGATIVE_INFINITY;
    let total = 0;
    for (const e of list) {
      if (e.ts < end) continue;
      end = e.ts + (e.dur ?? 0);
      total += (e.tdur ?? 0) / 1000;
    }
    busy.set(key, total);
  }
  const selfTimes = profileSelfTimes(events);
  const threads = [...busy]
    .filter(([, ms]) => ms >= windowMs * 0.005)
    .sort((a, b) => b[1] - a[1])
    .map(([key, ms]) => ({
      thread: names.get(key) ?? key,
      busyMs: Math.round(ms),
      share: Math.round((ms / windowMs) * 1000) / 1000,
      top: [...(selfTimes.get(key) ?? new Map<string, number>())]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([fn, fnMs]) => ({ fn, ms: Math.round(fnMs) })),
    }));
  return { windowMs, threads };
}
