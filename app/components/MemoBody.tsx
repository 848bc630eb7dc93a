/**
 * A memo's rendered Markdown (sanitised by renderMemoHtml), folded after about ten lines
 * with "Show more" / "Show less". Clicks: a #tag filters the timeline, a task line (all of
 * it, not just its box) ticks the task, a link opens; any other click on the text opens
 * the memo (`onOpen`), unless the user was selecting text.
 */
import { createEffect, createMemo, createSignal, onCleanup, Show, untrack } from 'solid-js';
import { highlightTerms } from '../markdown/highlight';
import { renderMemoHtml } from '../markdown/render';
import { forget, remeasure, watchFold } from './fold-measure';

/** Lines shown before a memo folds; a memo only folds when it has clearly more. */
const FOLD_LINES = 10;
const FOLD_SLACK_LINES = 2;

function sameTerms(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  return a.every((term, i) => term === b[i]);
}

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

  // The list hands each card a new row object on every change of the notebook: only a new
  // text or new highlight terms may re-render the Markdown (it was every card, every capture).
  const content = createMemo(() => props.content);
  const highlight = createMemo(() => props.highlight, undefined, { equals: sameTerms });
  createEffect(() => {
    const html = renderMemoHtml(content());
    const terms = highlight();
    if (!body) return;
    body.innerHTML = html;
    if (terms && terms.length > 0) highlightTerms(body, terms);
    // Measured with every other card of the frame (fold-measure.ts), never here: reading a
    // height now would lay the page out once per card.
    if (untrack(() => props.fold)) remeasure(body);
  });

  // The first layout of a card below the screen happens only when it scrolls near
  // (content-visibility), and fonts or images change heights: measured whenever it resizes.
  const onMeasured = (scrollHeight: number, lineHeight: number) => {
    if (props.fold) setLong(scrollHeight > lineHeight * (FOLD_LINES + FOLD_SLACK_LINES) + 1);
  };
  onCleanup(() => {
    if (body) forget(body);
  });

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
          watchFold(element, onMeasured);
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
