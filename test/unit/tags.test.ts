/**
 * Local tag derivation must equal the Memos server's (internal/markdown tag parser).
 * A table of hand-written cases, plus the golden corpus recorded from a real v0.30.0
 * server by test/fixtures/memos/record.ts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { deriveMemoData, extractTags } from '../../sync/core/derive';

const CASES: Array<[string, string, string[]]> = [
  ['plain tag', '#tag', ['tag']],
  ['tag in sentence', 'buy #groceries today', ['groceries']],
  ['hierarchical', '#home/kitchen and #a/b/c', ['home/kitchen', 'a/b/c']],
  ['trailing punctuation stops', '#tag. #other, #third!', ['tag', 'other', 'third']],
  [
    'hyphen underscore ampersand',
    '#work-notes #2024_plans #science&tech',
    ['work-notes', '2024_plans', 'science&tech'],
  ],
  ['numeric tag', '#123', ['123']],
  ['CJK', '#测试。 #東京', ['测试', '東京']],
  ['emoji', '#🙂 #❤️', ['🙂', '❤️']],
  ['heading is not a tag', '# Heading', []],
  ['h2 is not a tag', '## Heading', []],
  ['tag inside heading text', '# Title #inside', ['inside']],
  ['lone hash', 'a # b', []],
  ['double hash: second hash starts a tag', '##x', ['x']],
  ['mid-word hash', 'abc#def', ['def']],
  ['inline code', 'use `#notatag` here #real', ['real']],
  ['fenced code', '```\n#nope\n```\n#yes', ['yes']],
  ['indented code', '    #nope\n\n#yes', ['yes']],
  ['autolink with fragment', 'see https://example.com/page#section for #docs', ['docs']],
  ['markdown link text and url', '[#x](http://a.example/#b) #after', ['after']],
  ['image alt', '![#alt](pic.png) #img', ['img']],
  ['escaped hash', '\\#escaped #real', ['real']],
  ['duplicates keep first, case preserved', '#Work #work #Work', ['Work', 'work']],
  ['task list', '- [ ] buy milk #shop\n- [x] done #shop', ['shop']],
  ['blockquote', '> quoted #q', ['q']],
  ['table cell', '| a | b |\n|---|---|\n| #cell | x |', ['cell']],
  ['max 100 runes', `#${'a'.repeat(120)}`, ['a'.repeat(100)]],
  ['at sign stops', '#tag@special', ['tag']],
];

describe('tag derivation (Memos rules)', () => {
  it.each(CASES)('%s', (_name, content, tags) => {
    expect(extractTags(content)).toEqual(tags);
  });

  it('derives property flags', () => {
    const data = deriveMemoData(
      '# Title\n\n- [ ] open task\n- [x] done\n\n`code` and [a link](https://x.example)',
    );
    expect(data.property).toEqual({
      hasLink: true,
      hasTaskList: true,
      hasCode: true,
      hasIncompleteTasks: true,
      title: 'Title',
    });
  });

  it('makes a plain-text snippet without code blocks', () => {
    const data = deriveMemoData('**Groceries**: milk, eggs\n\n```\nsecret code\n```\n\ncoffee #shop');
    expect(data.snippet).toBe('Groceries: milk, eggs coffee #shop');
  });

  it('handles a 1 MB paste without trouble', () => {
    const data = deriveMemoData(`start #big ${'lorem ipsum '.repeat(90_000)}`);
    expect(data.tags).toEqual(['big']);
    expect(data.snippet.length).toBeLessThan(80);
  });

  const golden = new URL('../fixtures/memos/tags-golden.json', import.meta.url);
  it('matches every case recorded from a real Memos v0.30.0 server', () => {
    expect(existsSync(golden), 'golden corpus test/fixtures/memos/tags-golden.json is missing').toBe(true);
    const cases = JSON.parse(readFileSync(golden, 'utf8')) as {
      cases: Array<{ content: string; tags: string[] }>;
    };
    expect(cases.cases.length).toBeGreaterThanOrEqual(30);
    const mismatches = cases.cases
      .map((c) => ({ content: c.content, server: c.tags, local: extractTags(c.content) }))
      .filter((c) => JSON.stringify(c.server) !== JSON.stringify(c.local));
    expect(mismatches).toEqual([]);
  });
});
