/**
 * The fuzz's record of every edit, for the NO-LOST-EDIT and NO-DUPLICATE invariants.
 * Every edit inserts a unique token line (`tok-N`); every created memo carries a unique
 * creation token (`new-N`) on its first line. A token may legitimately disappear only
 * through an edit or a delete made by someone (a device or the web UI) whose copy held it
 * at that moment: `noteChange(before, after)` records exactly those. Every other token
 * must survive somewhere the user can see it.
 */

const TOKEN = /\b(?:tok|new)-\d+\b/g;

export function tokensOf(text: string | undefined): Set<string> {
  return new Set(text?.match(TOKEN) ?? []);
}

export class Ledger {
  private counter = 0;
  /** Every token ever written (by an edit that really happened). */
  readonly all = new Set<string>();
  /** Tokens removed on purpose by an edit or delete of a copy that held them. */
  readonly removed = new Set<string>();

  /** A fresh token; it counts only once an edit containing it succeeds (noteChange). */
  editToken(): string {
    return `tok-${++this.counter}`;
  }

  creationToken(): string {
    return `new-${++this.counter}`;
  }

  /**
   * A user's action changed a copy from `before` to `after` (undefined = absent/deleted):
   * new tokens are now written, vanished ones were removed on purpose. Returns the latter.
   */
  noteChange(before: string | undefined, after: string | undefined): string[] {
    const kept = tokensOf(after);
    for (const token of kept) this.all.add(token);
    const gone = [...tokensOf(before)].filter((t) => !kept.has(t));
    for (const token of gone) this.removed.add(token);
    return gone;
  }

  /** Tokens that must still be visible somewhere. */
  live(): string[] {
    return [...this.all].filter((t) => !this.removed.has(t));
  }
}

/** Content edits: each returns the new text with one fresh token line. */
export type EditKind = 'append' | 'insert' | 'replace';

export function applyEdit(content: string, kind: EditKind, token: string, position: number): string {
  const lines = content.split('\n');
  if (kind === 'append' || lines.length < 2) return `${content}\n${token}`;
  // Line 0 holds the creation token and is never replaced, so duplicates stay detectable.
  const at = 1 + (position % (lines.length - 1));
  if (kind === 'insert') lines.splice(at, 0, token);
  else lines[at] = token;
  return lines.join('\n');
}
