/**
 * The Web Share Target: what another app shares (a multipart POST the service worker
 * receives, workers/share-target/receive.ts, then `/share?title=&text=&url=&files=<id>`),
 * or any web page links to (`/share?text=…`), fills the capture box for the user to confirm
 * with its "Save"; nothing is saved unasked. A draft already in the capture box is kept,
 * the shared text goes below it; shared files become its attachments. The URL is replaced
 * and the files leave the inbox, so a reload cannot add the same share twice.
 */
import { useNavigate, useSearchParams } from '@solidjs/router';
import { onMount } from 'solid-js';
import { takeSharedFiles } from '../../workers/share-target/inbox';
import { CAPTURE_DRAFT_KEY, FOCUS_CAPTURE } from '../components/CaptureBox';
import { useApp } from '../state/app-context';
import { loadDraft, saveDraft } from '../state/drafts';

export function composeShared(title: string, text: string, url: string): string {
  const parts: string[] = [];
  const cleanTitle = title.trim();
  const cleanText = text.trim();
  const cleanUrl = url.trim();
  if (cleanTitle && !cleanText.includes(cleanTitle)) parts.push(cleanTitle);
  if (cleanText) parts.push(cleanText);
  if (cleanUrl && !cleanText.includes(cleanUrl)) parts.push(cleanUrl);
  return parts.join('\n\n');
}

export default function SharePage() {
  const app = useApp();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const param = (key: string) => {
    const value = params[key];
    return typeof value === 'string' ? value : '';
  };
  onMount(async () => {
    const shared = composeShared(param('title'), param('text'), param('url'));
    if (shared !== '') {
      const draft = loadDraft(CAPTURE_DRAFT_KEY);
      saveDraft(CAPTURE_DRAFT_KEY, draft.trim() === '' ? shared : `${draft.trimEnd()}\n\n${shared}`);
    }
    const files = param('files')
      ? await takeSharedFiles(window.location.origin, param('files'), Number(param('count')) || 0)
      : [];
    if (files.length > 0) app.setSharedFiles(files);
    const dropped = Number(param('dropped')) || 0;
    if (shared !== '' || files.length > 0) {
      app.notify(
        'info',
        `What you shared is in the capture box: check it and press Save to keep it.${dropped > 0 ? ` (${dropped} file${dropped === 1 ? ' was' : 's were'} too many or too large to take.)` : ''}`,
      );
    } else if (param('error')) {
      app.notify('error', 'What was shared could not be read; nothing was added.');
    }
    navigate('/', { replace: true, state: { [FOCUS_CAPTURE]: shared !== '' || files.length > 0 } });
  });
  return <p class="empty">Opening what you shared…</p>;
}
