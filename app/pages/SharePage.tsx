/**
 * The Web Share Target (`/share?title=&text=&url=`): text and links shared from another
 * app become a new memo immediately, then the timeline is shown. The URL is replaced so
 * a reload cannot save the same share twice.
 */
import { useNavigate, useSearchParams } from '@solidjs/router';
import { onMount } from 'solid-js';
import { useApp } from '../state/app-context';
import { saveDraft } from '../state/drafts';
import { describeSaveError } from '../state/save-errors';

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
    const content = composeShared(param('title'), param('text'), param('url'));
    if (content !== '') {
      try {
        await app.services.notebook.create({ content, visibility: 'PRIVATE' });
        app.notify('info', 'Saved what you shared as a new memo.');
      } catch (failure) {
        // Keep what was shared: it waits in the capture box to be shortened or split.
        saveDraft('new', content);
        app.notify('error', describeSaveError(failure));
      }
    }
    navigate('/', { replace: true });
  });
  return <p class="empty">Saving what you shared…</p>;
}
