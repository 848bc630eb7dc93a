/**
 * Editing one preference in place: rewrites that line of that memo (memory/parse.ts) and saves
 * it through the notebook's normal edit path (`saveEdit`: one transaction with its outbox entry,
 * offline too, merged like any edit if the memo changed meanwhile). Returns a sentence for the
 * user when nothing was saved.
 */
import { type PreferenceEntry, setPreferenceValue } from '../../memory/parse';
import { assertNever, type MemoName, type Notebook } from '../../sync';
import { describeSaveError } from '../state/save-errors';

export async function savePreference(
  notebook: Notebook,
  entry: PreferenceEntry,
  value: string,
): Promise<{ ok: true } | { ok: false; message: string }> {
  try {
    const memo = await notebook.get(entry.memo as MemoName);
    if (!memo) return { ok: false, message: 'That memo no longer exists on this device.' };
    const edit = setPreferenceValue(memo.content, entry.line, entry.keyId, value);
    if (!edit.ok) {
      const message =
        edit.reason === 'empty-value'
          ? 'A preference needs a value.'
          : edit.reason === 'too-long'
            ? 'That value is too long for one line.'
            : 'That memo changed meanwhile; its new version is shown now, try again.';
      return { ok: false, message };
    }
    const outcome = await notebook.saveEdit(
      memo.name,
      { content: edit.content, visibility: memo.visibility },
      memo.content,
    );
    switch (outcome.kind) {
      case 'saved':
        return { ok: true };
      case 'overlap':
        return {
          ok: false,
          message: 'That line was changed elsewhere meanwhile; its new version is shown now, try again.',
        };
      case 'gone':
        return { ok: false, message: 'That memo was deleted meanwhile.' };
      default:
        return assertNever(outcome, 'edit outcome');
    }
  } catch (failure) {
    return { ok: false, message: describeSaveError(failure) };
  }
}
