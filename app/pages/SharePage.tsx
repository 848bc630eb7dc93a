/**
 * The Web Share Target (`/share?title=&text=&url=`): what another app (or any web page
 * linking here) shares fills the capture box for the user to confirm with its "Save";
 * nothing is saved unasked. A draft already in the capture box is kept, the shared text
 * goes below it. The URL is replaced so a reload cannot add the same share twice.
 */
import { useNavigate, useSearchParams } from '@solidjs/router';
import { onMount } from 'solid-js';
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
  onMount(() => {
    const shared = composeShared(param('title'), param('text'), param('url'));
    if (shared !== '') {
      const draft = loadDraft(CAPTURE_DRAFT_KEY);
      saveDraft(CAPTURE_DRAFT_KEY, draft.trim() === '' ? shared : `${draft.trimEnd()}\n\n${shared}`);
      app.notify('info', 'What you shared is in the capture box: check it and press Save to keep it.');
    }
    navigate('/', { replace: true, state: { [FOCUS_CAPTURE]: shared !== '' } });
  });
  return <p class="empty">Opening what you shared…</p>;
}
