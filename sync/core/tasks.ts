/**
 * Task-list editing on raw Markdown: the n-th rendered checkbox corresponds to the n-th
 * `- [ ]` / `- [x]` list item outside fenced code blocks (the renderer emits checkboxes
 * in source order). Pure string functions: content in, content out.
 */

const TASK_LINE = /^(\s*(?:>\s*)*(?:[-*+]|\d{1,9}[.)])\s+)\[([ xX])\]/;
const FENCE = /^\s{0,3}(`{3,}|~{3,})/;

interface TaskLocation {
  lineIndex: number;
  checked: boolean;
  markerOffset: number;
}

function locateTasks(lines: string[]): TaskLocation[] {
  const found: TaskLocation[] = [];
  let fence: string | undefined;
  lines.forEach((line, lineIndex) => {
    const fenceMatch = FENCE.exec(line);
    if (fenceMatch?.[1]) {
      const marker = fenceMatch[1];
      if (fence === undefined) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
      return;
    }
    if (fence !== undefined) return;
    const match = TASK_LINE.exec(line);
    if (match?.[1] !== undefined && match[2] !== undefined) {
      found.push({ lineIndex, checked: match[2] !== ' ', markerOffset: match[1].length + 1 });
    }
  });
  return found;
}

/** Number of task items in `content`. */
export function countTasks(content: string): number {
  return locateTasks(content.split('\n')).length;
}

/** Sets the `taskIndex`-th task item's checkbox; returns the content unchanged if there is no such task. */
export function setTaskChecked(content: string, taskIndex: number, checked: boolean): string {
  const lines = content.split('\n');
  const task = locateTasks(lines)[taskIndex];
  if (!task) return content;
  const line = lines[task.lineIndex] ?? '';
  lines[task.lineIndex] =
    `${line.slice(0, task.markerOffset)}${checked ? 'x' : ' '}${line.slice(task.markerOffset + 1)}`;
  return lines.join('\n');
}
