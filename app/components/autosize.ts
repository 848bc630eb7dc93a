/**
 * Grows a textarea with its content (up to `maxPx`, then it scrolls), so a short memo
 * takes one line and a long one needs no dragging. Call after every change of its value.
 */
export function fitHeight(textarea: HTMLTextAreaElement, maxPx: number): void {
  textarea.style.height = 'auto';
  const border = textarea.offsetHeight - textarea.clientHeight;
  textarea.style.height = `${Math.min(maxPx, textarea.scrollHeight + border)}px`;
}
