/**
 * The UI's pure pieces (issue 12): the tag tree (counts equal what the filter shows; dates
 * apart), timeline grouping (Pinned, then one heading per day), notices (one at a time,
 * Undo kept at least 5 s, held while hovered), tag suggestions, and import refusals worded
 * without parser text.
 */
import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { insertTag, suggestTags, tagQueryAt } from '../../app/components/tag-suggest';
import { describeImportProblem } from '../../app/settings/backup';
import { createNotices, INFO_MS, UNDO_MS } from '../../app/state/notices';
import { buildTagGroups, flattenTags, isDateTag, matchesTag } from '../../app/state/tag-tree';
import { dayLabel, groupTimeline } from '../../app/state/timeline-groups';
import { parseExport } from '../../sync/core/backup-format';
import type { MemoName } from '../../sync/core/ids';
import { buildLocalMemo } from '../../sync/db/notebook';

const memos = (...tagLists: string[][]) => tagLists.map((tags) => ({ tags }));

describe('tag tree', () => {
  it('counts each node as its filter shows: #home includes #home/garden, each memo once', () => {
    const notebook = memos(['home'], ['home'], ['home/garden'], ['home/garden', 'home'], ['work']);
    const { topics } = buildTagGroups(notebook);
    const home = topics.find((node) => node.tag === 'home');
    expect(home?.count).toBe(4);
    expect(home?.children.map((c) => [c.tag, c.label, c.count])).toEqual([['home/garden', 'garden', 2]]);
    for (const node of flattenTags(topics))
      expect(node.count).toBe(notebook.filter((memo) => matchesTag(memo.tags, node.tag)).length);
  });

  it('makes a parent for a child tag used alone, and sorts by count then name', () => {
    const { topics } = buildTagGroups(memos(['a/b/c'], ['z'], ['z']));
    expect(topics.map((n) => n.tag)).toEqual(['z', 'a']);
    expect(flattenTags(topics).map((n) => `${n.tag}:${n.count}`)).toEqual(['z:2', 'a:1', 'a/b:1', 'a/b/c:1']);
  });

  it('groups date-like tags apart, newest first', () => {
    expect(['2024', '2024-01', '2024-01-15', '2024/01', '2024_01_15'].every(isDateTag)).toBe(true);
    expect(['home', '20240115x', 'q4-2024', '24-01-15'].some(isDateTag)).toBe(false);
    const groups = buildTagGroups(memos(['2024-01-15', 'home'], ['2025-03-01'], ['2024-01-15']));
    expect(groups.topics.map((n) => n.tag)).toEqual(['home']);
    expect(groups.dates.map((n) => `${n.tag}:${n.count}`)).toEqual(['2025-03-01:1', '2024-01-15:2']);
  });
});

describe('timeline grouping', () => {
  const day = 86_400_000;
  const now = new Date(2026, 2, 12, 15, 0).getTime();
  const memo = (id: string, createTime: number, pinned = false) =>
    buildLocalMemo(
      `memos/${id}` as MemoName,
      { content: id, visibility: 'PRIVATE', state: 'NORMAL', pinned, attachments: [] },
      { createTime, updateTime: createTime },
    );

  it('puts pinned memos under "Pinned", then one heading per calendar day', () => {
    const rows = groupTimeline(
      [
        memo('p', now - 30 * day, true),
        memo('a', now - 60_000),
        memo('b', now - 3600_000),
        memo('c', now - day),
        memo('d', now - 40 * day),
      ],
      { now, pinnedHeading: true },
    );
    expect(rows.map((r) => (r.kind === 'heading' ? `# ${r.label}` : r.memo.content))).toEqual([
      '# Pinned',
      'p',
      '# Today',
      'a',
      'b',
      '# Yesterday',
      'c',
      `# ${dayLabel(now - 40 * day, now)}`,
      'd',
    ]);
    expect(new Set(rows.map((r) => r.key)).size).toBe(rows.length);
  });

  it('without a Pinned heading, pinned memos go under their day', () => {
    const rows = groupTimeline([memo('p', now, true)], { now, pinnedHeading: false });
    expect(rows.map((r) => r.kind)).toEqual(['heading', 'memo']);
  });

  it('names the days of this week by weekday and older days by date', () => {
    expect(dayLabel(now - 3 * day, now)).toMatch(/day$/);
    expect(dayLabel(new Date(2024, 0, 15).getTime(), now)).toMatch(/2024/);
  });
});

describe('notices', () => {
  function manualTimers() {
    let clock = 0;
    let nextHandle = 1;
    const pending = new Map<number, { at: number; run: () => void }>();
    return {
      timers: {
        setTimeout: (run: () => void, ms: number) => {
          const handle = nextHandle++;
          pending.set(handle, { at: clock + ms, run });
          return handle;
        },
        clearTimeout: (handle: unknown) => void pending.delete(handle as number),
      },
      advance(ms: number) {
        clock += ms;
        for (const [handle, timer] of [...pending]) {
          if (timer.at <= clock) {
            pending.delete(handle);
            timer.run();
          }
        }
      },
    };
  }

  it('shows one notice at a time; one with Undo stays at least 5 s; errors stay until dismissed', () => {
    createRoot((dispose) => {
      const { timers, advance } = manualTimers();
      const notices = createNotices(timers);
      notices.show('info', 'Pinned.', { undo: async () => undefined });
      notices.show('info', 'Archived.', { undo: async () => undefined });
      expect(notices.current()?.text).toBe('Archived.');
      expect(UNDO_MS).toBeGreaterThanOrEqual(5_000);
      advance(5_000);
      expect(notices.current()?.undo).toBeDefined();
      advance(UNDO_MS);
      expect(notices.current()).toBeUndefined();

      notices.show('info', 'Saved.');
      advance(INFO_MS);
      expect(notices.current()).toBeUndefined();

      notices.show('error', 'Storage is full.');
      notices.show('info', 'Archived.');
      advance(60_000);
      expect(notices.error()?.text).toBe('Storage is full.');
      notices.dismiss(notices.error()?.id ?? 0);
      expect(notices.error()).toBeUndefined();
      dispose();
    });
  });

  it('holds a notice while the user is on it, and gives it its full time again after', () => {
    createRoot((dispose) => {
      const { timers, advance } = manualTimers();
      const notices = createNotices(timers);
      notices.show('info', 'Moved to the Trash.', { undo: async () => undefined });
      advance(UNDO_MS - 1);
      notices.hold(true);
      advance(60_000);
      expect(notices.current()?.text).toBe('Moved to the Trash.');
      notices.hold(false);
      advance(UNDO_MS - 1);
      expect(notices.current()).toBeDefined();
      advance(1);
      expect(notices.current()).toBeUndefined();
      dispose();
    });
  });
});

describe('tag suggestions', () => {
  const tags = [
    { tag: 'home', count: 5 },
    { tag: 'home/garden', count: 2 },
    { tag: 'homework', count: 1 },
    { tag: 'shop/home-depot', count: 1 },
    { tag: 'work', count: 9 },
  ];

  it('finds the #partial before the caret, not inside words or headings', () => {
    expect(tagQueryAt('water the #gar', 14)).toEqual({ start: 10, query: 'gar' });
    expect(tagQueryAt('#', 1)).toEqual({ start: 0, query: '' });
    expect(tagQueryAt('issue#12', 8)).toBeUndefined();
    expect(tagQueryAt('# Heading', 9)).toBeUndefined();
    expect(tagQueryAt('a #tag and more', 15)).toBeUndefined();
  });

  it('suggests prefix matches first, then by use; never the tag already typed', () => {
    expect(suggestTags(tags, 'ho')).toEqual(['home', 'home/garden', 'homework', 'shop/home-depot']);
    expect(suggestTags(tags, 'home')).toEqual(['home/garden', 'homework', 'shop/home-depot']);
    expect(suggestTags(tags, 'garden')).toEqual(['home/garden']);
    expect(suggestTags(tags, '').slice(0, 2)).toEqual(['work', 'home']);
  });

  it('replaces the partial with the tag and a space, keeping the rest', () => {
    expect(insertTag('plant #ho now', { start: 6, query: 'ho' }, 9, 'home')).toEqual({
      text: 'plant #home now',
      caret: 12,
    });
    expect(insertTag('plant #ho', { start: 6, query: 'ho' }, 9, 'home/garden')).toEqual({
      text: 'plant #home/garden ',
      caret: 19,
    });
  });
});

describe('import refusals', () => {
  const wording = (name: string, text: string) => {
    const parsed = parseExport(text);
    if (parsed.ok) throw new Error('expected a refusal');
    return describeImportProblem(name, parsed.problem, parsed.errors);
  };

  it('words each refusal for people, never with parser text or the save-error wrapper', () => {
    const notJson = wording('bad1.json', '{"memos": [oops');
    expect(notJson).toBe(
      'Nothing was imported: bad1.json is not a Memos Offline export (it is not a JSON file). Choose a file made with Export.',
    );
    expect(wording('list.json', '[1, 2]')).toMatch(/list\.json is not a Memos Offline export\./);
    expect(wording('other.json', '{"format": "something-else", "memos": []}')).toMatch(
      /not a Memos Offline export/,
    );
    expect(wording('new.json', '{"format": "memos-offline-export", "version": 9, "memos": []}')).toMatch(
      /version of Memos Offline that this one cannot read/,
    );
    const invalid = wording('broken.json', '{"memos": [{"name": "memos/x", "content": ""}]}');
    expect(invalid).toMatch(/^Nothing was imported: some memos in broken\.json are not valid \(memo 1: /);
    for (const text of [notJson, invalid])
      expect(text).not.toMatch(/Unexpected|JSON\.parse|could not be saved|\.\./);
  });
});
