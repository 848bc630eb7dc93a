/**
 * The memory conventions (memory/parse.ts) as tables of cases: key/value lines, preferences
 * (newest wins, history, in-place rewrite), learned lines, conversation turns and days, and
 * system services; then the bad inputs of issue 14 (thousands of lines, no speakers).
 */
import { describe, expect, it } from 'vitest';
import {
  collectLearned,
  collectPreferences,
  collectSystem,
  dayTagOf,
  groupConversations,
  type MemoryMemo,
  parseKeyValueLine,
  parseTurns,
  setPreferenceValue,
} from '../../memory/parse';

const DAY = 86_400_000;
const T0 = Date.UTC(2024, 0, 10, 12);
const utcDay = (time: number) => new Date(time).toISOString().slice(0, 10);

function memo(name: string, content: string, tags: string[], createTime = T0): MemoryMemo {
  return { name: `memos/${name}`, content, tags, createTime };
}

describe('key/value lines', () => {
  const cases: Array<[line: string, key: string | undefined, value?: string]> = [
    ['- Language: English', 'Language', 'English'],
    ['* Timezone: Europe/Madrid', 'Timezone', 'Europe/Madrid'],
    ['+ Units: metric', 'Units', 'metric'],
    ['1. Units: metric', 'Units', 'metric'],
    ['Language: English', 'Language', 'English'],
    ['language:English', 'language', 'English'],
    ['   -    Language   :    English   ', 'Language', 'English'],
    ['- Language = English', 'Language', 'English'],
    ['Language=English', 'Language', 'English'],
    ['- **Language**: English', 'Language', 'English'],
    ['- **Language:** English', 'Language', 'English'],
    ['- __Language__: English', 'Language', 'English'],
    ['- *Language*: English', 'Language', 'English'],
    ['- `timezone`: UTC', 'timezone', 'UTC'],
    ['- Confirmation required: destructive actions', 'Confirmation required', 'destructive actions'],
    ['- Home Assistant: http://192.168.1.20:8123', 'Home Assistant', 'http://192.168.1.20:8123'],
    ['- Wake time: 07:30', 'Wake time', '07:30'],
    ['- Formula: a = b + c', 'Formula', 'a = b + c'],
    ['Language: English\r', 'Language', 'English'],
    ['#preferences #system', undefined],
    ['# Heading: not a key', undefined],
    ['> Quote: not a key', undefined],
    ['- [ ] Task: not a key', undefined],
    ['| Table | Cell: x |', undefined],
    ['Meeting at 10:30 tomorrow', undefined],
    ['See https://example.com/a:b', undefined],
    ['- Language:', undefined],
    ['- : English', undefined],
    ['- a == b', undefined],
    ['- This line has far too many words before its colon: value', undefined],
    [`- ${'k'.repeat(61)}: value`, undefined],
    [`- Key: ${'v'.repeat(1001)}`, undefined],
    ['', undefined],
  ];
  it.each(cases)('%j', (line, key, value) => {
    const parsed = parseKeyValueLine(line);
    expect(parsed?.key).toBe(key);
    if (key !== undefined) expect(parsed?.value).toBe(value);
  });
});

describe('preferences', () => {
  const older = memo('old', '#preferences\n- Language: Spanish\n- Units: metric', ['preferences'], T0);
  const newer = memo(
    'new',
    '#preferences #system\n- language: English\n- Timezone: Europe/Madrid\n- Confirmation required: destructive actions',
    ['preferences', 'system'],
    T0 + DAY,
  );
  const untagged = memo('x', 'Language: Klingon', ['misc'], T0 + 2 * DAY);

  it('lists every key once, the newest memo winning, older values as history, any key case', () => {
    const table = collectPreferences([older, newer, untagged]);
    expect(table.map((p) => [p.key, p.current.value, p.current.memo])).toEqual([
      ['Confirmation required', 'destructive actions', 'memos/new'],
      ['language', 'English', 'memos/new'],
      ['Timezone', 'Europe/Madrid', 'memos/new'],
      ['Units', 'metric', 'memos/old'],
    ]);
    const language = table.find((p) => p.keyId === 'language');
    expect(language?.history.map((h) => [h.value, h.memo, h.line])).toEqual([['Spanish', 'memos/old', 1]]);
  });

  it('folds case, underscores and hyphens in keys; a key set twice in one memo takes its later line', () => {
    const one = memo('one', '#preferences\n- time_zone: UTC\n- Time-Zone: CET\nTIME ZONE = Europe/Madrid', [
      'Preferences',
    ]);
    const [pref] = collectPreferences([one]);
    expect(pref?.current.value).toBe('Europe/Madrid');
    expect(pref?.history.map((h) => h.value)).toEqual(['CET', 'UTC']);
  });

  it('never reads fenced code as preferences', () => {
    const fenced = memo('f', '#preferences\n```\nLanguage: Python\n```\n- Editor: vim', ['preferences']);
    expect(collectPreferences([fenced]).map((p) => p.key)).toEqual(['Editor']);
  });

  const edits: Array<
    [content: string, line: number, keyId: string, value: string, expected: string | undefined]
  > = [
    ['#preferences\n- Language: English', 1, 'language', 'Catalan', '#preferences\n- Language: Catalan'],
    ['#p\n   *  **Language:**   English  ', 1, 'language', 'Catalan', '#p\n   *  **Language:**   Catalan  '],
    [
      '#p\nLanguage = English\r\nUnits: metric',
      1,
      'language',
      'Basque',
      '#p\nLanguage = Basque\r\nUnits: metric',
    ],
    ['#p\n- Language: English', 1, 'language', 'two\nlines', '#p\n- Language: two lines'],
    ['#p\n- Units: metric', 1, 'language', 'Catalan', undefined],
    ['#p\n- Language: English', 5, 'language', 'Catalan', undefined],
    ['#p\n```\n- Language: English\n```', 2, 'language', 'Catalan', undefined],
    ['#p\n- Language: English', 1, 'language', '   ', undefined],
  ];
  it.each(edits)(
    'rewrites only the value of that line: %j line %i',
    (content, line, keyId, value, expected) => {
      const edit = setPreferenceValue(content, line, keyId, value);
      expect(edit.ok ? edit.content : undefined).toBe(expected);
    },
  );

  it('reads a memo of thousands of lines in one pass', () => {
    const lines = Array.from({ length: 5_000 }, (_, i) => `- Key ${i}: value ${i}`);
    const big = memo('big', `#preferences\n${lines.join('\n')}`, ['preferences']);
    const table = collectPreferences([big]);
    expect(table).toHaveLength(5_000);
    expect(table.find((p) => p.keyId === 'key 4999')?.current.line).toBe(5_000);
  });
});

describe('learned', () => {
  it('lists the lines of #learned memos newest memo first, without bullets or tag lines', () => {
    const a = memo(
      'a',
      '#learned\n- User prefers short answers\n\n* Waters plants on Sundays',
      ['learned'],
      T0,
    );
    const b = memo('b', '#learned Coffee: black, no sugar\n```\nnot this\n```', ['learned'], T0 + DAY);
    expect(collectLearned([a, b]).map((item) => [item.text, item.memo, item.line])).toEqual([
      ['Coffee: black, no sugar', 'memos/b', 0],
      ['User prefers short answers', 'memos/a', 1],
      ['Waters plants on Sundays', 'memos/a', 3],
    ]);
  });
});

describe('conversations', () => {
  const turnCases: Array<[content: string, turns: Array<[string | undefined, string, string]>]> = [
    [
      "#conversation #2024-01-15\n**User**: Remind me to water the plants tomorrow\n**AI**: I've set a reminder for tomorrow at 9 AM.",
      [
        ['User', 'user', 'Remind me to water the plants tomorrow'],
        ['AI', 'assistant', "I've set a reminder for tomorrow at 9 AM."],
      ],
    ],
    [
      '**User:** hi\n__Assistant__ : hello\nNote: this stays in the answer\n- more',
      [
        ['User', 'user', 'hi'],
        ['Assistant', 'assistant', 'hello\nNote: this stays in the answer\n- more'],
      ],
    ],
    [
      'User: plain speakers\nAI:   work too\n*Bob*: and names',
      [
        ['User', 'user', 'plain speakers'],
        ['AI', 'assistant', 'work too'],
        ['Bob', 'other', 'and names'],
      ],
    ],
    [
      '#conversation\n**AI**: code follows\n```\nUser: not a speaker in code\n```',
      [['AI', 'assistant', 'code follows\n```\nUser: not a speaker in code\n```']],
    ],
    [
      '#conversation\nJust a note without any speakers.\nSecond line.',
      [[undefined, 'other', 'Just a note without any speakers.\nSecond line.']],
    ],
    ['#conversation', []],
    [
      'Preamble first\n**me**: then me',
      [
        [undefined, 'other', 'Preamble first'],
        ['me', 'user', 'then me'],
      ],
    ],
    [
      'At 10:30 we met\nhttps://example.com: link',
      [[undefined, 'other', 'At 10:30 we met\nhttps://example.com: link']],
    ],
  ];
  it.each(turnCases)('turns of %j', (content, turns) => {
    expect(parseTurns(content).map((t) => [t.speaker, t.role, t.text])).toEqual(turns);
  });

  it('groups by the date tag, else the create day; newest day first, reading order inside a day', () => {
    const tagged = memo('t', '#conversation #2024-01-15\n**User**: a', ['conversation', '2024-01-15'], T0);
    const sameDay = memo('s', '#conversation\n**User**: b', ['conversation'], Date.UTC(2024, 0, 15, 8));
    const later = memo('l', '#conversation\n**User**: c', ['conversation'], Date.UTC(2024, 0, 15, 20));
    const noTag = memo('n', '#conversation\n**User**: d', ['conversation'], T0);
    const badDate = memo('b', '#conversation #2024-02-31\nx', ['conversation', '2024-02-31'], T0 + DAY);
    const days = groupConversations([later, tagged, sameDay, noTag, badDate], utcDay);
    expect(days.map((d) => [d.day, d.conversations.map((c) => c.memo)])).toEqual([
      ['2024-01-15', ['memos/t', 'memos/s', 'memos/l']],
      ['2024-01-11', ['memos/b']],
      ['2024-01-10', ['memos/n']],
    ]);
    expect(dayTagOf(['x', '2024-13-01', '2023-12-31'])).toBe('2023-12-31');
  });
});

describe('system', () => {
  it('lists name: URL lines as services and keeps the rest as notes', () => {
    const note = memo(
      'sys',
      '#system\n- Home Assistant: http://192.168.1.20:8123.\n- LLM = http://home-box:8000/v1\n* **NAS**: smb://nas/share\nBackups run nightly\n- Timezone: Europe/Madrid',
      ['system'],
    );
    const [system] = collectSystem([note, memo('other', 'x: http://a', ['misc'])]);
    expect(system?.services.map((s) => [s.name, s.url])).toEqual([
      ['Home Assistant', 'http://192.168.1.20:8123'],
      ['LLM', 'http://home-box:8000/v1'],
      ['NAS', 'smb://nas/share'],
    ]);
    expect(system?.notes).toEqual(['Backups run nightly', 'Timezone: Europe/Madrid']);
  });
});
