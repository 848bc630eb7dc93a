/**
 * The colour theme: "system" (follow prefers-color-scheme), "light" or "dark". The choice
 * is stored in localStorage and applied as `data-theme` on <html>; public/theme-init.js
 * applies the stored one before the first paint (no flash), this module on every change.
 * Invariant: the storage key and attribute equal those in public/theme-init.js.
 */
import { type Accessor, createSignal } from 'solid-js';

export const THEMES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEMES)[number];

export const THEME_KEY = 'memos-offline:theme';

export function parseTheme(value: unknown): ThemeChoice {
  return value === 'light' || value === 'dark' ? value : 'system';
}

function stored(): ThemeChoice {
  try {
    return parseTheme(localStorage.getItem(THEME_KEY));
  } catch {
    return 'system';
  }
}

/** The browser's toolbar colour per theme (index.html has one meta per colour scheme). */
const TOOLBAR: Record<'light' | 'dark', string> = { light: '#2f6f5e', dark: '#141416' };

function apply(choice: ThemeChoice): void {
  const root = document.documentElement;
  if (choice === 'system') root.removeAttribute('data-theme');
  else root.setAttribute('data-theme', choice);
  for (const meta of document.querySelectorAll<HTMLMetaElement>('meta[name="theme-color"]')) {
    const scheme = meta.media.includes('dark') ? 'dark' : 'light';
    meta.content = TOOLBAR[choice === 'system' ? scheme : choice];
  }
}

export interface ThemeState {
  choice: Accessor<ThemeChoice>;
  choose(choice: ThemeChoice): void;
}

export function createThemeState(): ThemeState {
  const [choice, setChoice] = createSignal(stored());
  apply(choice());
  // Another tab changed it.
  window.addEventListener('storage', (event) => {
    if (event.key !== THEME_KEY) return;
    setChoice(parseTheme(event.newValue));
    apply(choice());
  });
  return {
    choice,
    choose(next) {
      setChoice(next);
      apply(next);
      try {
        if (next === 'system') localStorage.removeItem(THEME_KEY);
        else localStorage.setItem(THEME_KEY, next);
      } catch {
        // Storage disabled: the choice holds for this page only.
      }
    },
  };
}
