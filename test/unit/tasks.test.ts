/** Task-list checkbox toggling on raw Markdown. */
import { describe, expect, it } from 'vitest';
import { countTasks, setTaskChecked } from '../../sync/core/tasks';

describe('task lists', () => {
  const content = [
    '- [ ] one',
    '* [x] two',
    '```',
    '- [ ] in code',
    '```',
    '1. [ ] three',
    '> - [ ] quoted',
  ].join('\n');

  it('counts task items outside code fences', () => {
    expect(countTasks(content)).toBe(4);
  });

  it('toggles the n-th task only', () => {
    expect(setTaskChecked(content, 0, true).split('\n')[0]).toBe('- [x] one');
    expect(setTaskChecked(content, 1, false).split('\n')[1]).toBe('* [ ] two');
    expect(setTaskChecked(content, 2, true).split('\n')[5]).toBe('1. [x] three');
    expect(setTaskChecked(content, 3, true).split('\n')[6]).toBe('> - [x] quoted');
    expect(setTaskChecked(content, 2, true).split('\n')[3]).toBe('- [ ] in code');
  });

  it('leaves content unchanged for an index past the end', () => {
    expect(setTaskChecked(content, 9, true)).toBe(content);
  });
});
