/**
 * "Ask your notes", the pure half: the prompt builder (budget respected, citations numbered,
 * preferences included), citations in answers, the saved exchange and the chat stream reader.
 */
import { describe, expect, it } from 'vitest';
import { ChatStreamParser, errorMessageOf } from '../../memory/chat-stream';
import { citedNumbers, splitCitations } from '../../memory/citations';
import { formatExchange } from '../../memory/exchange';
import { parseTurns } from '../../memory/parse';
import { buildPrompt, DEFAULT_PROMPT_BUDGET, type PromptMemo } from '../../memory/prompt';
import { mulberry32 } from '../bench/corpus';

const dayOf = (time: number) => new Date(time).toISOString().slice(0, 10);
const context = { today: '2024-03-10', dayOf };
const T = Date.UTC(2024, 2, 3);

function memos(count: number, length: number): PromptMemo[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `memos/m${i}`,
    content: `memo ${i} ${'x'.repeat(Math.max(0, length - 8))}`,
    createTime: T + i,
  }));
}

const total = (messages: Array<{ content: string }>) =>
  messages.reduce((sum, m) => sum + m.content.length, 0);

describe('prompt builder', () => {
  it('numbers the memos 1..n in rank order and maps each number to its memo', () => {
    const prompt = buildPrompt('When did I change the oil?', memos(3, 100), [], context);
    expect(prompt.sources.map((s) => [s.n, s.name])).toEqual([
      [1, 'memos/m0'],
      [2, 'memos/m1'],
      [3, 'memos/m2'],
    ]);
    const user = prompt.messages[1]?.content ?? '';
    expect(user.indexOf('[1] (2024-03-03)\nmemo 0')).toBeGreaterThan(-1);
    expect(user.indexOf('[1]')).toBeLessThan(user.indexOf('[2]'));
    expect(user.endsWith('Question: When did I change the oil?')).toBe(true);
    expect(prompt.messages[0]?.content).toContain('Today is 2024-03-10.');
  });

  it('includes the current preferences', () => {
    const prompt = buildPrompt(
      'q',
      [],
      [
        { key: 'Language', value: 'English' },
        { key: 'Timezone', value: 'Europe/Madrid' },
      ],
      context,
    );
    expect(prompt.messages[0]?.content).toContain(
      'preferences:\n- Language: English\n- Timezone: Europe/Madrid',
    );
    expect(prompt.preferences).toBe(2);
    expect(prompt.messages[1]?.content).toBe('Notes: none matched.\n\nQuestion: q');
  });

  it('keeps the whole prompt within the budget, shortening then leaving out memos (seeded sizes)', () => {
    const seed = 1414;
    const random = mulberry32(seed);
    for (let round = 0; round < 200; round++) {
      const list = Array.from({ length: Math.floor(random() * 30) }, (_, i) => ({
        name: `memos/r${i}`,
        content: 'word '.repeat(Math.floor(random() * 1200)),
        createTime: T,
      }));
      const prefs = Array.from({ length: Math.floor(random() * 400) }, (_, i) => ({
        key: `Key ${i}`,
        value: 'v'.repeat((i % 50) + 1),
      }));
      const question = 'why '.repeat(Math.floor(random() * 600));
      const prompt = buildPrompt(question, list, prefs, context);
      const context_ = `seed ${seed} round ${round}`;
      expect(total(prompt.messages), context_).toBeLessThanOrEqual(DEFAULT_PROMPT_BUDGET.totalChars);
      expect(prompt.chars, context_).toBe(total(prompt.messages));
      const nonEmpty = list.filter((m) => m.content.trim() !== '').length;
      expect(prompt.sources.length + prompt.omitted, context_).toBe(nonEmpty);
      expect(
        prompt.sources.map((s) => s.n),
        context_,
      ).toEqual(prompt.sources.map((_, i) => i + 1));
    }
  });

  it('caps each memo, the preferences and the question', () => {
    const budget = { totalChars: 4_000, questionChars: 200, preferencesChars: 300, memoChars: 500 };
    const prefs = Array.from({ length: 100 }, (_, i) => ({ key: `K${i}`, value: 'value' }));
    const prompt = buildPrompt('q'.repeat(1_000), memos(20, 2_000), prefs, { ...context, budget });
    expect(total(prompt.messages)).toBeLessThanOrEqual(4_000);
    expect(prompt.sources.every((s) => s.shortened)).toBe(true);
    expect(prompt.sources.length).toBeGreaterThanOrEqual(3);
    expect(prompt.omitted).toBe(20 - prompt.sources.length);
    expect(prompt.preferences).toBeLessThan(100);
    expect(prompt.messages[1]?.content.split('Question: ')[1]?.length).toBeLessThanOrEqual(200);
    expect(() => buildPrompt('q', [], [], { ...context, budget: { ...budget, totalChars: 900 } })).toThrow(
      RangeError,
    );
  });
});

describe('citations', () => {
  const targets = [
    { n: 1, name: 'memos/a' },
    { n: 2, name: 'memos/b' },
  ];
  it('links only numbers that point at a sent note', () => {
    expect(splitCitations('Oil changed in March [1][2], see [7] and [1, 9].', targets)).toEqual([
      { kind: 'text', text: 'Oil changed in March ' },
      { kind: 'cite', n: 1, name: 'memos/a' },
      { kind: 'cite', n: 2, name: 'memos/b' },
      { kind: 'text', text: ', see [7] and ' },
      { kind: 'cite', n: 1, name: 'memos/a' },
      { kind: 'text', text: '[9].' },
    ]);
    expect(splitCitations('no [x] citations [0]', targets)).toEqual([
      { kind: 'text', text: 'no [x] citations [0]' },
    ]);
    expect(citedNumbers('[2] then [1] then [2]', targets)).toEqual([2, 1]);
  });
});

describe('saved exchange', () => {
  it('is a #conversation memo tagged with the day that the Memory page reads back as two turns', () => {
    const content = formatExchange(
      ' When did I change the oil? ',
      'On 3 March [1].\n\nAt the garage.',
      '2024-03-10',
      8192,
    );
    expect(content).toBe(
      '#conversation #2024-03-10\n**User**: When did I change the oil?\n**AI**: On 3 March [1].\n\nAt the garage.',
    );
    expect(parseTurns(content).map((t) => [t.speaker, t.text])).toEqual([
      ['User', 'When did I change the oil?'],
      ['AI', 'On 3 March [1].\n\nAt the garage.'],
    ]);
  });

  it('cuts a long answer to fit the memo limit, and says so', () => {
    const content = formatExchange('q', 'é'.repeat(10_000), '2024-03-10', 8192);
    expect(new TextEncoder().encode(content).length).toBeLessThanOrEqual(8192);
    expect(content.endsWith('(answer cut to fit in one memo)')).toBe(true);
  });
});

describe('chat stream', () => {
  it('reads deltas across arbitrary chunk boundaries until [DONE]', () => {
    const chunk = (content: string) =>
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content }, finish_reason: null }] })}\n\n`;
    const wire = `: keep-alive\n\n${chunk('Hel')}${chunk('lo [1]')}data: {"choices":[{"index":0,"delta":{},"finish_reason":"stop"}]}\n\ndata: {"choices":[],"usage":{"total_tokens":5}}\n\ndata: [DONE]\n\n`;
    for (const size of [1, 3, 7, 64, wire.length]) {
      const parser = new ChatStreamParser();
      const events = [];
      for (let i = 0; i < wire.length; i += size) events.push(...parser.push(wire.slice(i, i + size)));
      events.push(...parser.end());
      expect(events, `chunk size ${size}`).toEqual([
        { kind: 'delta', text: 'Hel' },
        { kind: 'delta', text: 'lo [1]' },
        { kind: 'finish', reason: 'stop' },
        { kind: 'done' },
      ]);
    }
  });

  it('reports error objects, skips malformed lines, reads a last line without newline', () => {
    const parser = new ChatStreamParser();
    expect(
      parser.push(
        'data: {not json\r\ndata: {"error":{"message":"model overloaded","type":"server_error"}}\r\n',
      ),
    ).toEqual([{ kind: 'error', message: 'model overloaded' }]);
    expect(parser.skipped).toBe(1);
    expect(parser.push('data: [DONE]')).toEqual([]);
    expect(parser.end()).toEqual([{ kind: 'done' }]);
    expect(errorMessageOf({ detail: 'Not Found' })).toBe('Not Found');
    expect(errorMessageOf({ error: 'bad' })).toBe('bad');
    expect(errorMessageOf([1])).toBeUndefined();
  });
});
