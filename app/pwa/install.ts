/**
 * Installation state for Settings: whether the app runs installed (standalone), whether
 * the page is a secure context (needed for the service worker and installation), and the
 * browser's deferred install prompt (`beforeinstallprompt`), captured as early as possible.
 */
import { type Accessor, createSignal } from 'solid-js';

interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  userChoice: Promise<{ outcome: 'accepted' | 'dismissed' }>;
}

export interface InstallState {
  installed: Accessor<boolean>;
  canInstall: Accessor<boolean>;
  secure: boolean;
  install(): Promise<'accepted' | 'dismissed' | 'unavailable'>;
}

function runningStandalone(): boolean {
  const iosStandalone = (navigator as Navigator & { standalone?: boolean }).standalone === true;
  return iosStandalone || window.matchMedia('(display-mode: standalone)').matches;
}

export function createInstallState(): InstallState {
  const [installed, setInstalled] = createSignal(runningStandalone());
  const [deferred, setDeferred] = createSignal<BeforeInstallPromptEvent>();
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    setDeferred(() => event as BeforeInstallPromptEvent);
  });
  window.addEventListener('appinstalled', () => {
    setInstalled(true);
    setDeferred(undefined);
  });
  window
    .matchMedia('(display-mode: standalone)')
    .addEventListener('change', () => setInstalled(runningStandalone()));
  return {
    installed,
    canInstall: () => deferred() !== undefined && !installed(),
    secure: window.isSecureContext,
    async install() {
      const prompt = deferred();
      if (!prompt) return 'unavailable';
      await prompt.prompt();
      const choice = await prompt.userChoice;
      setDeferred(undefined);
      return choice.outcome;
    },
  };
}
