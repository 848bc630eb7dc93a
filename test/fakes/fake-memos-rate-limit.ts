/**
 * The fake server's rate limiter, as Memos 0.31 has one (the profile gives the rule): a
 * fixed window of `requests` per user, on the fake clock; a request over it is refused with
 * the seconds until the window ends (the route answers 429 RESOURCE_EXHAUSTED with
 * `Retry-After`). Deterministic: windows start at a user's first request after the last one.
 */

export interface RateRule {
  requests: number;
  windowSeconds: number;
}

export class FakeRateLimiter {
  private readonly windows = new Map<number, { start: number; count: number }>();

  /** Admits one request of `userId` at `nowSeconds`: undefined, or the seconds to wait. */
  admit(userId: number, nowSeconds: number, rule: RateRule): number | undefined {
    const window = this.windows.get(userId);
    if (!window || nowSeconds >= window.start + rule.windowSeconds) {
      this.windows.set(userId, { start: nowSeconds, count: 1 });
      return undefined;
    }
    if (window.count < rule.requests) {
      window.count++;
      return undefined;
    }
    return Math.max(1, window.start + rule.windowSeconds - nowSeconds);
  }
}
