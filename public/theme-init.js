// Applies the stored colour theme before the first paint (see app/state/theme.ts).
try {
  const theme = localStorage.getItem('memos-offline:theme');
  if (theme === 'light' || theme === 'dark') document.documentElement.setAttribute('data-theme', theme);
} catch (_) {
  // Storage disabled: follow the system.
}
