/**
 * What a memo's menu and its task boxes do. Every action goes through the notebook's
 * normal edit path (or the Trash), so it and its undo sync like any edit; each is followed
 * by one notice saying what happened, with "Undo". A failure becomes an error notice.
 * Undo of a delete restores the memo from the Trash; undo of an edit saves the previous
 * text as a new edit (merged like any edit if the memo changed meanwhile).
 */
import type { LocalMemo, MemoName, Visibility } from '../../sync';
import type { AppState } from './app-context';
import { describeSaveError } from './save-errors';

export interface MemoActions {
  togglePin(memo: LocalMemo): Promise<void>;
  toggleArchive(memo: LocalMemo): Promise<void>;
  remove(memo: LocalMemo): Promise<void>;
  setTask(memo: LocalMemo, index: number, checked: boolean): Promise<void>;
  /** Reports an edit the editor saved (`after`: its text now), with an undo back to `before`. */
  edited(name: MemoName, before: { content: string; visibility: Visibility }, after: string): void;
}

export function memoActions(app: AppState): MemoActions {
  const notebook = () => app.services.notebook;

  async function run(work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (failure) {
      app.notify('error', describeSaveError(failure));
    }
  }

  async function undoEdit(
    name: MemoName,
    before: { content: string; visibility: Visibility },
    after: string,
  ) {
    const outcome = await notebook().saveEdit(name, before, after);
    if (outcome.kind === 'gone') throw new Error('the memo no longer exists on this device');
    if (outcome.kind === 'overlap')
      throw new Error('the memo changed again in the same places since your edit, so it was kept as it is');
  }

  return {
    togglePin: (memo) =>
      run(async () => {
        const pinned = !memo.pinned;
        await notebook().update(memo.name, { pinned });
        app.notify('info', pinned ? 'Pinned.' : 'Unpinned.', {
          undo: () => notebook().update(memo.name, { pinned: !pinned }),
        });
      }),
    toggleArchive: (memo) =>
      run(async () => {
        const archiving = memo.state !== 'ARCHIVED';
        await notebook().update(memo.name, { state: archiving ? 'ARCHIVED' : 'NORMAL' });
        app.notify('info', archiving ? 'Archived.' : 'Restored to the timeline.', {
          undo: () => notebook().update(memo.name, { state: archiving ? 'NORMAL' : 'ARCHIVED' }),
        });
      }),
    remove: (memo) =>
      run(async () => {
        await notebook().remove(memo.name);
        app.notify('info', 'Moved to the Trash.', {
          undo: async () => {
            const outcome = await app.sync.trash.restore(memo.name);
            if (outcome.kind === 'missing') throw new Error('it is no longer in the Trash');
          },
        });
      }),
    setTask: (memo, index, checked) =>
      run(async () => {
        await notebook().setTask(memo.name, index, checked);
        app.notify('info', checked ? 'Task done.' : 'Task not done.', {
          undo: () => notebook().setTask(memo.name, index, !checked),
        });
      }),
    edited(name, before, after) {
      app.notify('info', 'Saved.', { undo: () => undoEdit(name, before, after) });
    },
  };
}
