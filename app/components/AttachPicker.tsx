/**
 * "Attach": a button that opens the file picker (its input labelled "Attach files"; on a
 * phone it offers the camera too), and the list of files attached to what is being written,
 * each with "Remove attachment {filename}". New files show a preview; files the memo
 * already has show their thumbnail or name. Paste and drop are handled by the form
 * (`filesOf` in attachment-files.ts).
 */
import { For, type JSX, onCleanup, Show } from 'solid-js';
import type { AttachmentName } from '../../sync';
import { useApp } from '../state/app-context';
import { filesOf, formatBytes, makeThumbnail } from '../state/attachment-files';
import { Icon } from './icons';

export interface PendingFile {
  id: number;
  file: File;
  /** Object URL of a preview (images only). */
  preview?: string;
  /** The stored thumbnail, made as soon as the file is attached (so saving does not wait). */
  thumbnail: Promise<Blob | undefined>;
}

let nextId = 0;

export function pendingFrom(files: readonly File[]): PendingFile[] {
  return files.map((file) => ({
    id: ++nextId,
    file,
    thumbnail: makeThumbnail(file),
    ...(file.type.startsWith('image/') && file.type !== 'image/svg+xml'
      ? { preview: URL.createObjectURL(file) }
      : {}),
  }));
}

export function releasePending(files: readonly PendingFile[]): void {
  for (const file of files) if (file.preview) URL.revokeObjectURL(file.preview);
}

/** The list without the file `id`, whose preview is released. */
export function withoutPending(files: readonly PendingFile[], id: number): PendingFile[] {
  releasePending(files.filter((p) => p.id === id));
  return files.filter((p) => p.id !== id);
}

/** A form's handlers that take pasted and dropped files (text pastes and drops are left alone). */
export function fileDropHandlers(
  onFiles: (files: File[]) => void,
): Pick<JSX.HTMLAttributes<HTMLFormElement>, 'onPaste' | 'onDragOver' | 'onDrop'> {
  const take = (event: Event, files: File[]) => {
    if (files.length === 0) return;
    event.preventDefault();
    onFiles(files);
  };
  return {
    onPaste: (event) => take(event, filesOf(event.clipboardData)),
    onDragOver: (event) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    },
    onDrop: (event) => take(event, filesOf(event.dataTransfer)),
  };
}

export function AttachButton(props: { onFiles: (files: File[]) => void }) {
  let input: HTMLInputElement | undefined;
  return (
    <>
      <button type="button" class="attach-button" onClick={() => input?.click()}>
        <Icon name="attach" />
        <span>Attach</span>
      </button>
      <input
        ref={input}
        class="visually-hidden"
        type="file"
        multiple
        aria-label="Attach files"
        tabIndex={-1}
        onChange={(event) => {
          const files = [...(event.currentTarget.files ?? [])];
          event.currentTarget.value = '';
          if (files.length > 0) props.onFiles(files);
        }}
      />
    </>
  );
}

function ExistingAttachment(props: { name: AttachmentName; onRemove: () => void }) {
  const app = useApp();
  const view = app.attachments.get(props.name);
  const filename = () => view()?.filename ?? 'file';
  return (
    <li class="attach-item">
      <Show when={view()?.picture} fallback={<span class="attach-name">{filename()}</span>}>
        {(picture) => <img src={picture()} alt={filename()} />}
      </Show>
      <button
        type="button"
        class="attach-remove"
        aria-label={`Remove attachment ${filename()}`}
        onClick={() => props.onRemove()}
      >
        ×
      </button>
    </li>
  );
}

export function AttachList(props: {
  existing?: readonly AttachmentName[];
  pending: readonly PendingFile[];
  onRemoveExisting?: (name: AttachmentName) => void;
  onRemovePending: (id: number) => void;
}) {
  onCleanup(() => releasePending(props.pending));
  return (
    <Show when={(props.existing?.length ?? 0) + props.pending.length > 0}>
      <ul class="attach-list" aria-label="Attachments">
        <For each={[...(props.existing ?? [])]}>
          {(name) => <ExistingAttachment name={name} onRemove={() => props.onRemoveExisting?.(name)} />}
        </For>
        <For each={[...props.pending]}>
          {(pending) => (
            <li class="attach-item">
              <Show
                when={pending.preview}
                fallback={
                  <span class="attach-name">{`${pending.file.name} · ${formatBytes(pending.file.size)}`}</span>
                }
              >
                {(preview) => <img src={preview()} alt={pending.file.name} />}
              </Show>
              <button
                type="button"
                class="attach-remove"
                aria-label={`Remove attachment ${pending.file.name}`}
                onClick={() => props.onRemovePending(pending.id)}
              >
                ×
              </button>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
