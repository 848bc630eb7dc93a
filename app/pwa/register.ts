/**
 * Service worker registration with workbox-window. A new version never activates on its
 * own: when one is waiting, `onUpdateReady` fires and the UI shows "Reload to update";
 * `applyUpdate` then activates it and reloads once it controls the page. Drafts are in
 * localStorage, so the reload loses nothing.
 */
import { Workbox } from 'workbox-window';

export interface ServiceWorkerControl {
  applyUpdate(): void;
}

export function registerServiceWorker(onUpdateReady: (control: ServiceWorkerControl) => void): void {
  if (!('serviceWorker' in navigator) || !window.isSecureContext) return;
  const workbox = new Workbox('/sw.js', { scope: '/' });
  const control: ServiceWorkerControl = {
    applyUpdate() {
      workbox.addEventListener('controlling', () => window.location.reload());
      workbox.messageSkipWaiting();
    },
  };
  workbox.addEventListener('waiting', () => onUpdateReady(control));
  void workbox.register().then((registration) => {
    // Check for a new version whenever the app comes back to the foreground.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') void registration?.update().catch(() => undefined);
    });
  });
}
