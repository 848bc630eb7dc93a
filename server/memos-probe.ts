/**
 * A quick start-up check that the configured Memos server answers `GET <MEMOS_URL>/healthz`.
 * Invariants: it never throws and never blocks start-up longer than `timeoutMs`; the request
 * carries this server's loop marker (proxy-loop.ts), so when MEMOS_URL leads back to this
 * very app (under any name) the answer is `self`, which the CLI treats as fatal; otherwise
 * the result only decides whether a warning is printed (the proxy reports outages per request).
 */
export type ProbeResult = { ok: true } | { ok: false; reason: string } | { ok: false; self: true };

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

async function isLoopRefusal(response: Response): Promise<boolean> {
  if (response.status !== 508) return false;
  const body = (await response.json().catch(() => undefined)) as { error?: unknown } | undefined;
  return body?.error === 'proxy-loop';
}

export async function probeMemos(
  memosUrl: string,
  loopHeaders: Readonly<Record<string, string>> = {},
  timeoutMs = 3_000,
): Promise<ProbeResult> {
  try {
    const response = await fetch(`${memosUrl}/healthz`, {
      headers: loopHeaders,
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (await isLoopRefusal(response)) return { ok: false, self: true };
    await response.body?.cancel();
    return response.ok ? { ok: true } : { ok: false, reason: `HTTP ${response.status} from /healthz` };
  } catch (error) {
    return { ok: false, reason: reasonOf(error) };
  }
}
