/**
 * The UI's view of attachments while a memo is captured: its files show at once from the
 * bytes in hand (the thumbnail made when attached), before the transaction commits; the
 * committed row then replaces the preview; a save that fails takes the preview back.
 */
import { createRoot } from 'solid-js';
import { afterEach, describe, expect, it } from 'vitest';
import { type AttachmentViews, createAttachmentViews } from '../../app/state/attachment-view';
import type { AttachmentName } from '../../sync/core/attachments';
import { createTestNotebook } from '../helpers/notebook-fixture';

let fixture: ReturnType<typeof createTestNotebook>;
let views: AttachmentViews | undefined;
let dispose: (() => void) | undefined;
afterEach(async () => {
  views?.dispose();
  dispose?.();
  await fixture.dispose();
});

function start(): AttachmentViews {
  fixture = createTestNotebook();
  return createRoot((done) => {
    dispose = done;
    views = createAttachmentViews(fixture.db, fixture.feed);
    return views;
  });
}

const photo = () => ({
  filename: 'receipt.png',
  type: 'image/png',
  bytes: new Blob([new Uint8Array(300_000)], { type: 'image/png' }),
  thumbnail: new Blob([new Uint8Array(2_000)], { type: 'image/jpeg' }),
});

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

describe('attachment previews while capturing', () => {
  it('shows the file with a picture before the save commits, then the stored row', async () => {
    const attachments = start();
    let shownBeforeCommit: unknown;
    let name: AttachmentName | undefined;
    const memo = await fixture.notebook.create(
      { content: 'receipt', visibility: 'PRIVATE', files: [photo()] },
      (_memo, files) => {
        name = files[0]?.name;
        if (name) attachments.preview(name, files[0]?.file ?? photo());
        shownBeforeCommit = name ? attachments.get(name)() : undefined;
      },
    );
    expect(shownBeforeCommit).toMatchObject({ filename: 'receipt.png', size: 300_000, original: true });
    expect((shownBeforeCommit as { picture?: string }).picture).toMatch(/^blob:/);
    expect(memo.attachments).toEqual([name]);
    const view = attachments.get(name as AttachmentName);
    await until(() => view()?.picture !== (shownBeforeCommit as { picture?: string }).picture);
    expect(view()).toMatchObject({ name, filename: 'receipt.png', type: 'image/png', original: true });
    expect(view()?.picture).toMatch(/^blob:/);
  });

  it('takes the preview back when the save fails, and a file of another kind gets no picture', async () => {
    const attachments = start();
    const name = 'attachments/0b0e3a52-5d0e-4d3e-9a6c-2f7f1f1e0c01' as AttachmentName;
    const takeBack = attachments.preview(name, {
      filename: 'notes.txt',
      type: 'text/plain',
      bytes: new Blob(['hello']),
    });
    expect(attachments.get(name)()).toMatchObject({ filename: 'notes.txt', size: 5 });
    expect(attachments.get(name)()?.picture).toBeUndefined();
    takeBack();
    expect(attachments.get(name)()).toBeUndefined();
  });
});
