/**
 * A memo's "More" button and its menu (role "menu" with "menuitem"s, e.g. "Edit",
 * "Pin"/"Unpin", "Archive"/"Restore", "Delete"). The menu is a popover in the top layer,
 * so no card or scroller clips it; it opens under the button, or above it near the bottom
 * of the screen. Keyboard: Enter or ArrowDown on "More" opens it on the first item (ArrowUp
 * on the last) without waiting for the toggle event; arrows, Home and End move; Esc, Tab or
 * a click elsewhere close it. Invariant: when it closes, focus goes back to "More" (before an item's action runs,
 * so a dialog or editor it opens returns focus there too).
 */
import { createSignal, createUniqueId, For, type JSX } from 'solid-js';
import { Icon } from './icons';

export interface MenuItem {
  label: string;
  danger?: boolean;
  run: () => void;
}

/** Room the menu needs below the button before it opens upwards instead (px). */
const ROOM_BELOW = 240;

export function MemoMenu(props: {
  items: readonly MenuItem[];
  buttonRef?: (button: HTMLButtonElement) => void;
}) {
  const id = createUniqueId();
  const [open, setOpen] = createSignal(false);
  let button: HTMLButtonElement | undefined;
  let menu: HTMLDivElement | undefined;

  const items = () => [...(menu?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]') ?? [])];
  const focusItem = (index: number) => {
    const list = items();
    list[(index + list.length) % list.length]?.focus();
  };

  function place() {
    if (!button || !menu) return;
    const rect = button.getBoundingClientRect();
    const style = menu.style;
    style.right = `${Math.max(8, window.innerWidth - rect.right)}px`;
    style.left = 'auto';
    if (window.innerHeight - rect.bottom < ROOM_BELOW && rect.top > ROOM_BELOW) {
      style.top = 'auto';
      style.bottom = `${window.innerHeight - rect.top + 4}px`;
    } else {
      style.bottom = 'auto';
      style.top = `${rect.bottom + 4}px`;
    }
  }

  function close() {
    if (menu?.matches(':popover-open')) menu.hidePopover();
    button?.focus();
  }

  const onKeyDown: JSX.EventHandler<HTMLDivElement, KeyboardEvent> = (event) => {
    const list = items();
    const index = list.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'ArrowDown') focusItem(index + 1);
    else if (event.key === 'ArrowUp') focusItem(index - 1);
    else if (event.key === 'Home') focusItem(0);
    else if (event.key === 'End') focusItem(-1);
    else if (event.key === 'Tab' || event.key === 'Escape') close();
    else return;
    event.preventDefault();
  };

  // Keys on "More" open the menu at once, with focus already on an item: the toggle event
  // comes later (it is queued), and an arrow pressed before it would be lost.
  const onButtonKeyDown: JSX.EventHandler<HTMLButtonElement, KeyboardEvent> = (event) => {
    const first = event.key === 'Enter' || event.key === 'ArrowDown';
    if (!first && event.key !== 'ArrowUp') return;
    event.preventDefault();
    if (!menu || menu.matches(':popover-open')) return;
    menu.showPopover();
    focusItem(first ? 0 : -1);
  };

  // Scrolling or resizing would leave the menu floating away from its memo.
  const closeOnScroll = () => {
    if (menu?.matches(':popover-open')) menu.hidePopover();
  };

  return (
    <>
      <button
        ref={(element) => {
          button = element;
          props.buttonRef?.(element);
        }}
        type="button"
        class="icon-button memo-more"
        aria-haspopup="menu"
        aria-expanded={open()}
        popovertarget={id}
        onKeyDown={onButtonKeyDown}
      >
        <Icon name="more" />
        <span class="visually-hidden">More</span>
      </button>
      <div
        ref={menu}
        id={id}
        popover="auto"
        role="menu"
        aria-label="Memo actions"
        class="menu"
        onBeforeToggle={(event) => {
          if (event.newState === 'open') place();
        }}
        onToggle={(event) => {
          const opened = event.newState === 'open';
          setOpen(opened);
          if (opened) {
            if (!menu?.contains(document.activeElement)) focusItem(0);
            window.addEventListener('scroll', closeOnScroll, { passive: true, once: true });
            window.addEventListener('resize', closeOnScroll, { once: true });
          } else {
            window.removeEventListener('scroll', closeOnScroll);
            window.removeEventListener('resize', closeOnScroll);
            const active = document.activeElement;
            if (!active || active === document.body || menu?.contains(active)) button?.focus();
          }
        }}
        onKeyDown={onKeyDown}
      >
        <For each={props.items}>
          {(item) => (
            <button
              type="button"
              role="menuitem"
              tabIndex={-1}
              classList={{ danger: item.danger === true }}
              onClick={() => {
                close();
                item.run();
              }}
            >
              {item.label}
            </button>
          )}
        </For>
      </div>
    </>
  );
}
