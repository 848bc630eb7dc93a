/**
 * A memo's attachments [F5]: each image as its thumbnail (an `img` whose alt text is the
 * file name) that opens the picture in a viewer; every other file (and an image without a
 * usable picture) as a link named by the file name that downloads it. The original comes
 * from this device, or from the server when connected (then kept for offline use within
 * the budget). Nothing is ever opened as a page of the app's origin.
 */
import { createSignal, For, Show } from 'solid-js';
import type { AttachmentName } from '../../sync';
import { useApp } from '../state/app-context';
import { downloadFile, formatBytes } from '../state/attachment-files';
import type { AttachmentView } from '../state/attachment-view';
import { AttachmentViewer } from './AttachmentViewer';
import { Icon } from './icons';

export function useOpenOriginal() {
  const app = useApp();
  return async (view: AttachmentView): Promise<Blob | undefined> => {
    const got = await app.sync.controller.openAttachment(view.name);
    if (got.ok) return got.value;
    app.notify(
      'error',
      got.error.kind === 'offline'
        ? `“${view.filename}” is not on this device yet; it can be opened when the server is reachable.`
        : `“${view.filename}” could not be opened: ${got.error.message}.`,
    );
    return undefined;
  };
}

function Attachment(props: { name: AttachmentName }) {
  const app = useApp();
  const view = app.attachments.get(props.name);
  const open = useOpenOriginal();
  const [viewing, setViewing] = createSignal(false);
  return (
    <Show when={view()}>
      {(info) => (
        <Show
          when={info().picture}
          fallback={
            <a
              class="attachment-file"
              classList={{ pending: info().pending }}
              href={`#${props.name}`}
              title={`${info().type}, ${formatBytes(info().size)}`}
              onClick={(event) => {
                event.preventDefault();
                event.stopPropagation();
                void open(info()).then((bytes) => bytes && downloadFile(info().filename, bytes));
              }}
            >
              <Icon name="attach" />
              {info().filename}
            </a>
          }
        >
          {(picture) => (
            <>
              <button
                type="button"
                class="attachment-thumb"
                title={info().filename}
                onClick={(event) => {
                  event.stopPropagation();
                  setViewing(true);
                }}
              >
                <img src={picture()} alt={info().filename} loading="lazy" decoding="async" />
              </button>
              <Show when={viewing()}>
                <AttachmentViewer view={info()} onClose={() => setViewing(false)} />
              </Show>
            </>
          )}
        </Show>
      )}
    </Show>
  );
}

export function AttachmentGallery(props: { names: readonly AttachmentName[] }) {
  return (
    <Show when={props.names.length > 0}>
      <div class="attachments">
        <For each={[...props.names]}>{(name) => <Attachment name={name} />}</For>
      </div>
    </Show>
  );
}
