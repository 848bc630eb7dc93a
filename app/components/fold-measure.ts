/**
 * Whether a memo's rendered body is longer than its fold, measured for many cards at once
 * and only for cards on or near the screen. Reading a height forces a layout when the page
 * changed since the last one, and for a card off screen (`content-visibility: auto`) it
 * forces the layout the browser was skipping: a list that measured each card as it rendered
 * it laid the page out once per card (20 search results, 20 layouts in one frame, each
 * slower with every card below the fold). Here a body is measured only while it is within
 * NEAR of the viewport; one animation frame (or the one ResizeObserver or
 * IntersectionObserver callback of the frame) reads every height first and then hands out
 * the answers, so a frame lays the page out once however many cards changed. A card that
 * scrolls near is measured then, before it is seen.
 * Invariants: each element's callback gets only its own answer; nothing measures an element
 * after `forget`; reads never interleave with the writes of the callbacks.
 */

type Answer = (scrollHeight: number, lineHeight: number) => void;

/** How far outside the viewport a card is measured ahead of being seen. */
const NEAR = '600px';

const answers = new Map<Element, Answer>();
const near = new Set<Element>();
const queued = new Set<Element>();
let frame: number | undefined;

function measureAll(elements: Iterable<Element>): void {
  const readings: Array<[Answer, number, number]> = [];
  for (const element of elements) {
    const answer = answers.get(element);
    if (!answer || !element.isConnected || !near.has(element)) continue;
    const lineHeight = Number.parseFloat(getComputedStyle(element).lineHeight) || 24;
    readings.push([answer, element.scrollHeight, lineHeight]);
  }
  for (const [answer, height, lineHeight] of readings) answer(height, lineHeight);
}

const resizes =
  typeof ResizeObserver === 'function'
    ? new ResizeObserver((entries) => measureAll(entries.map((entry) => entry.target)))
    : undefined;

const visibility =
  typeof IntersectionObserver === 'function'
    ? new IntersectionObserver(
        (entries) => {
          const arrived: Element[] = [];
          for (const entry of entries) {
            if (entry.isIntersecting) {
              if (!near.has(entry.target)) arrived.push(entry.target);
              near.add(entry.target);
            } else near.delete(entry.target);
          }
          measureAll(arrived);
        },
        { rootMargin: NEAR },
      )
    : undefined;

function flush(): void {
  frame = undefined;
  const elements = [...queued];
  queued.clear();
  measureAll(elements);
}

/** Measures `element` once it is near the screen, whenever it resizes there, and after `remeasure`. */
export function watchFold(element: Element, answer: Answer): void {
  answers.set(element, answer);
  // Without IntersectionObserver every element counts as near.
  if (visibility) visibility.observe(element);
  else near.add(element);
  resizes?.observe(element);
}

/** The element's content changed: measure it in the next frame, with every other that asks. */
export function remeasure(element: Element): void {
  if (!answers.has(element) || !near.has(element)) return;
  queued.add(element);
  if (frame === undefined) frame = requestAnimationFrame(flush);
}

export function forget(element: Element): void {
  answers.delete(element);
  near.delete(element);
  queued.delete(element);
  resizes?.unobserve(element);
  visibility?.unobserve(element);
}
