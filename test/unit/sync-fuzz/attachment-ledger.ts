/**
 * The fuzz's record of every attachment added, for the attachment invariants
 * (attachment-invariants.ts). Each add (a device attaching a file, at capture or later, or
 * the web UI attaching one) gets a label (`f3`) and unique bytes (`att f3 …`, text or
 * PNG-typed, which Memos stores as they are: no EXIF stripping), so every copy can be traced
 * back to the one add it came from. An add may legitimately go only through an actor whose
 * copy of the memo listed it at that moment: its removal from that memo's set, or that
 * memo's deletion (`noteRemoved`), as the content ledger does for tokens (ledger.ts).
 *
 * Invariant: one add is one uid (the device's local uid, which is also the server's
 * `attachmentId` [F3], or the id the server gave the web UI's upload); the uid never changes
 * (the fuzz does not move notebooks between accounts [F7]).
 */

/** Names the fuzz attaches under, and what Memos must store them as [F6]. */
export const FILE_NAMES: ReadonlyArray<{ given: string; stored: string; type: string }> = [
  { given: 'receipt.png', stored: 'receipt.png', type: 'image/png' },
  { given: 'notes.txt', stored: 'notes.txt', type: 'text/plain' },
  { given: 'scans/page 1.png', stored: 'page 1.png', type: 'image/png' },
  { given: '.hidden.txt', stored: 'hidden.txt', type: 'text/plain' },
  { given: 'C:\\Users\\me\\report.txt', stored: 'report.txt', type: 'text/plain' },
  { given: ' trailing dot. ', stored: 'trailing dot', type: 'text/plain' },
];

export function fileName(index: number): { given: string; stored: string; type: string } {
  const entry = FILE_NAMES[((index % FILE_NAMES.length) + FILE_NAMES.length) % FILE_NAMES.length];
  if (!entry) throw new Error(`no file name ${index}`);
  return entry;
}

/** The bytes of add `label` (small, deterministic, unique per add). */
export function fileBytes(label: string, name: number): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`att ${label} ${fileName(name).stored}\n`);
}

export interface AttachmentAdd {
  /** The add's label in the op log. */
  label: string;
  /** The memo's label. */
  memo: string;
  /** The attachment's uid (no `attachments/` prefix). */
  uid: string;
  /** Its file name as Memos must store it [F6]. */
  filename: string;
  type: string;
  bytes: Uint8Array;
  /** Who added it (`A`, `web`). */
  by: string;
}

export class AttachmentLedger {
  private readonly adds = new Map<string, AttachmentAdd>();
  private readonly byUid = new Map<string, AttachmentAdd>();
  /** Labels of adds removed on purpose (detached, or their memo deleted, by a holder). */
  readonly removed = new Set<string>();

  noteAdded(add: AttachmentAdd): void {
    this.adds.set(add.label, add);
    this.byUid.set(add.uid, add);
  }

  /** An actor whose copy listed these (attachment names or uids) removed them on purpose. */
  noteRemoved(uidsOrNames: readonly string[]): string[] {
    const gone: string[] = [];
    for (const value of uidsOrNames) {
      const add = this.ofUid(value);
      if (!add || this.removed.has(add.label)) continue;
      this.removed.add(add.label);
      gone.push(add.label);
    }
    return gone;
  }

  /** The add a uid (or `attachments/<uid>`) came from. */
  ofUid(uidOrName: string): AttachmentAdd | undefined {
    return this.byUid.get(uidOrName.replace(/^attachments\//, ''));
  }

  all(): AttachmentAdd[] {
    return [...this.adds.values()];
  }

  /** Adds that must still be somewhere. */
  live(): AttachmentAdd[] {
    return this.all().filter((a) => !this.removed.has(a.label));
  }

  get size(): number {
    return this.adds.size;
  }
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}
