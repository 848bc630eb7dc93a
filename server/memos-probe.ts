/**
 * A quick start-up check that the configured Memos server answers `GET <MEMOS_URL>/healthz`.
 * Invariant: it never throws and never blocks start-up longer than `timeoutMs`; the result
 * only decides whether a warning is printed (the proxy reports outages per request anyway).
 */
export type ProbeResult = { ok: true } | { ok: false; reason: string };

function reasonOf(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as Error & { cause?: unknown }).cause;
    if (cause instanceof Error) {
      const code = (cause as NodeJS.ErrnoException).code;
      return code ?? cause.message;
    }
    return error.name === 'TimeoutError' ? 'no answer within the timeout' : error.message;
  }
  return String(error);
}

export async function probeMemos(memosUrl: string, timeoutMs = 3_000): Promise<ProbeResult> {
  try {
    const response = await fetch(`${memosUrl}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return response.ok ? { ok: true } : { ok: false, reason: `HTTP ${response.status} from /healthz` };
  } catch (error) {
    return { ok: false, reason: reasonOf(error) };
  }
}
