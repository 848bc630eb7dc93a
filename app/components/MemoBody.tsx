/**
 * A memo's rendered Markdown (sanitised by renderMemoHtml), folded after about ten lines
 * with "Show more" / "Show less". Clicks: a #tag filters the timeline, a task line (all of
 * it, not just its box) ticks the task, a link opens; any other click on the text opens
 * the memo (`onOpen`), unless the user was selecting text.
 */
import { createEffect, createSignal, onCleanup, Show } from 'solid-js';
import { highlightTerms } from '../markdown/highlight';
import { renderMemoHtml } from '../markdown/render';

/** Lines shown before a memo folds; a memo only folds when it has clearly more. */
const FOLD_LINES = 10;
const FOLD_SLACK_LINES = 2;

export function MemoBody(props: {
  content: string;
  highlight?: readonly string[] | undefined;
  /** Fold long memos (the timeline); a memo opened on its own shows everything. */
  fold: boolean;
  onTag: (tag: string) => void;
  onTask: (index: number, checked: boolean) => void;
  onOpen?: (() => void) | undefined;
}) {
  const [long, setLong] = createSignal(false);
  const [expanded, setExpanded] = createSignal(false);
  let body: HTMLDivElement | undefined;
  let toggle: HTMLButtonElement | undefined;

  createEffect(() => {
    const html = renderMemoHtml(props.content);
    const terms = props.highlight;
    if (!body) return;
    body.innerHTML = html;
    if (terms && terms.length > 0) highlightTerms(body, terms);
    measure();
  });

  function measure() {
    if (!body || !props.fold) return;
    const lineHeight = Number.parseFloat(getComputedStyle(body).lineHeight) || 24;
    setLong(body.scrollHeight > lineHeight * (FOLD_LINES + FOLD_SLACK_LINES) + 1);
  }

  // The first layout of a card below the screen happens only when it scrolls near
  // (content-visibility), and fonts or images change heights: measure whenever it resizes.
  const observer = typeof ResizeObserver === 'function' ? new ResizeObserver(() => measure()) : undefined;
  onCleanup(() => observer?.disconnect());

  function onClick(event: MouseEvent) {
    const target = event.target as HTMLElement;
    const tag = target.closest<HTMLElement>('button.memo-tag');
    if (tag?.dataset.tag) {
      event.preventDefault();
      props.onTag(tag.dataset.tag);
      return;
    }
    if (target.closest('a, button, input, summary, label, video, audio')) return;
    const taskLine = target.closest<HTMLElement>('.task-item');
    const box = taskLine?.querySelector<HTMLInputElement>(
      ':scope > input.memo-task, :scope > p > input.memo-task',
    );
    if (box) {
      box.click();
      return;
    }
    if (!props.onOpen || !window.getSelection()?.isCollapsed) return;
    props.onOpen();
  }

  function onChange(event: Event) {
    const input = event.target as HTMLInputElement;
    if (!input.matches('input.memo-task')) return;
    const index = Number(input.dataset.taskIndex);
    if (Number.isInteger(index)) props.onTask(index, input.checked);
  }

  // `fold` caps every memo at FOLD_LINES + FOLD_SLACK_LINES from the first paint (no jump
  // for most memos); `folded` trims a memo measured longer than that to FOLD_LINES.
  const capped = () => props.fold && !expanded();
  const folded = () => capped() && long();

  return (
    <>
      <div
        class="memo-body markdown"
        classList={{ fold: capped(), folded: folded(), openable: props.onOpen !== undefined }}
        ref={(element) => {
          body = element;
          observer?.observe(element);
          element.addEventListener('click', onClick);
          element.addEventListener('change', onChange);
        }}
      />
      <Show when={props.fold && long()}>
        <button
          ref={toggle}
          type="button"
          class="fold-toggle"
          aria-expanded={expanded()}
          onClick={() => {
            const collapsing = expanded();
            setExpanded(!collapsing);
            // Folding back up: keep the memo's top in view rather than the page jumping past it.
            if (collapsing) body?.scrollIntoView({ block: 'nearest' });
            toggle?.focus();
          }}
        >
          {expanded() ? 'Show less' : 'Show more'}
        </button>
      </Show>
    </>
  );
}
