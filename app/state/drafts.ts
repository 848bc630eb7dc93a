/**
 * Drafts that survive a reload, a crash or an app update: the capture box and any open
 * editor save their text to localStorage on every keystroke and clear it only after the
 * memo is committed. Reading never throws (storage may be disabled).
 */

const PREFIX = 'memos-offline:draft:';

export function loadDraft(key: string): string {
  try {
    return localStorage.getItem(PREFIX + key) ?? '';
  } catch {
    return '';
  }
}

export function saveDraft(key: string, text: string): void {
  try {
    if (text === '') localStorage.removeItem(PREFIX + key);
    else localStorage.setItem(PREFIX + key, text);
  } catch {
    // Storage full or disabled: the text is still in the textbox; nothing else to do.
  }
}

export function clearDraft(key: string): void {
  saveDraft(key, '');
}
