/**
 * When the semantic index is saved (workers/index/save-scheduler.ts), on a virtual clock:
 * debounced, never later than the maximum delay under a steady trickle of changes, and, once
 * a save has taken S ms, no new one sooner than spacing × S after it (a first embedding
 * marks the index dirty every second; an 18 MB save every 15 s would take CPU and IndexedDB
 * away from embedding and the UI).
 */
import { describe, expect, it } from 'vitest';
import { createSaveScheduler } from '../../workers/index/save-scheduler';

function virtualClock() {
  let now = 0;
  let next = 1;
  const timers = new Map<number, { at: number; run: () => void }>();
  return {
    now: () => now,
    timers: {
      setTimeout(run: () => void, ms: number): unknown {
        const id = next++;
        timers.set(id, { at: now + ms, run });
        return id;
      },
      clearTimeout(handle: unknown) {
        timers.delete(handle as number);
      },
    },
    /** Moves time forward by `ms`, firing due timers in order. */
    advance(ms: number) {
      const end = now + ms;
      for (;;) {
        const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
        if (!due) break;
        timers.delete(due[0]);
        now = due[1].at;
        due[1].run();
      }
      now = end;
    },
  };
}

function world(spacing?: number) {
  const clock = virtualClock();
  const saves: number[] = [];
  const scheduler = createSaveScheduler({
    timers: clock.timers,
    now: clock.now,
    delayMs: 2_000,
    maxDelayMs: 15_000,
    ...(spacing === undefined ? {} : { spacing }),
    save: () => {
      scheduler.take();
      saves.push(clock.now());
    },
  });
  scheduler.setEnabled(true);
  /** A first embedding: the index changes every second for `seconds`. */
  const trickle = (seconds: number) => {
    for (let i = 0; i < seconds; i++) {
      scheduler.markDirty();
      clock.advance(1_000);
    }
  };
  return { clock, saves, scheduler, trickle };
}

describe('index save scheduling', () => {
  it('[E11] debounces, and saves within the maximum delay under a steady trickle', () => {
    const { clock, saves, scheduler, trickle } = world();
    scheduler.markDirty();
    clock.advance(1_999);
    expect(saves).toEqual([]);
    clock.advance(1);
    expect(saves).toEqual([2_000]);
    trickle(60);
    // About every 15 s while changes keep coming (never held back by the debounce).
    const gaps = saves.slice(1).map((at, i) => at - (saves[i] ?? 0));
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(15_000);
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(18_000);
  });

  it('[E11] spaces saves to a small share of the time once a save was slow', () => {
    const { clock, saves, scheduler, trickle } = world(50);
    scheduler.markDirty();
    clock.advance(2_000);
    expect(saves).toHaveLength(1);
    scheduler.done(1_200); // an 18 MB save took 1.2 s: the next waits at least 60 s
    trickle(200);
    const gaps = saves.slice(1).map((at, i) => at - (saves[i] ?? 0));
    expect(gaps.length).toBeGreaterThan(1);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(60_000);
    // ... and not much later than that: the trickle still gets saved.
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(63_000);
  });

  it('[E11] keeps the usual delay when saves are fast', () => {
    const { saves, scheduler, trickle } = world(50);
    scheduler.done(20); // 20 ms × 50 = 1 s: below the debounce, changes nothing
    trickle(40);
    const gaps = saves.slice(1).map((at, i) => at - (saves[i] ?? 0));
    expect(saves.length).toBeGreaterThanOrEqual(2);
    for (const gap of gaps) expect(gap).toBeLessThanOrEqual(18_000);
  });
});
