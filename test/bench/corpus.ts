/**
 * Deterministic, realistic memo text for benchmarks: Markdown between 50 and 2,000
 * characters with tags, task lists, links and code, drawn from a seeded PRNG so every run
 * measures the same notebook.
 */

export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = (
  'the a to of and in for on with from at by about after before during today tomorrow meeting call ' +
  'notes idea project plan budget kitchen garden coffee milk eggs bread recipe pasta travel train flight ' +
  'hotel doctor dentist appointment birthday gift book read chapter article paper model server backup ' +
  'deploy release bug fix test review design sketch draft email reply invoice tax insurance rent car ' +
  'bike run walk gym yoga sleep dream weather rain sun snow cold warm family kids school teacher music ' +
  'song guitar piano movie series episode podcast conversation assistant preference learned system ' +
  'remember always never usually prefers likes dislikes allergic vegetarian morning evening weekend'
).split(' ');
const TAGS = [
  'work',
  'home',
  'ideas',
  'groceries',
  'health',
  'travel',
  'reading',
  'preferences',
  'learned',
  'conversation',
  'system',
  'home/kitchen',
  'work/meetings',
  'family',
  'finance',
];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function sentence(random: () => number): string {
  const length = 5 + Math.floor(random() * 14);
  const words: string[] = [];
  for (let i = 0; i < length; i++) words.push(pick(random, WORDS));
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

export function memoText(random: () => number): string {
  const target = 50 + Math.floor(random() ** 2 * 1950);
  const parts: string[] = [];
  let size = 0;
  while (size < target) {
    const kind = random();
    let block: string;
    if (kind < 0.6)
      block = Array.from({ length: 1 + Math.floor(random() * 3) }, () => sentence(random)).join(' ');
    else if (kind < 0.75)
      block = Array.from(
        { length: 2 + Math.floor(random() * 4) },
        () => `- [${random() < 0.5 ? ' ' : 'x'}] ${sentence(random)}`,
      ).join('\n');
    else if (kind < 0.85)
      block = `See [${pick(random, WORDS)}](https://example.com/${pick(random, WORDS)}) for details.`;
    else if (kind < 0.92) block = `\`\`\`\n${pick(random, WORDS)} = ${Math.floor(random() * 1000)}\n\`\`\``;
    else block = `> ${sentence(random)}`;
    parts.push(block);
    size += block.length + 2;
  }
  const tags = Array.from({ length: Math.floor(random() * 3) }, () => `#${pick(random, TAGS)}`);
  const text = `${parts.join('\n\n')}${tags.length ? `\n\n${tags.join(' ')}` : ''}`;
  return text.slice(0, 2000);
}

export function makeCorpus(count: number, seed = 42): string[] {
  const random = mulberry32(seed);
  return Array.from({ length: count }, () => memoText(random));
}
