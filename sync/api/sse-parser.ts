/**
 * Incremental text/event-stream parser (the subset Memos uses: comment lines and `data:`
 * lines, events separated by a blank line). Chunks may split lines anywhere.
 */

export class SseParser {
  private buffer = '';
  private data: string[] = [];

  /** Feeds a decoded chunk; returns the data payloads of every completed event. */
  push(chunk: string): string[] {
    this.buffer += chunk;
    const events: string[] = [];
    for (;;) {
      const newline = this.buffer.search(/\r\n|\r|\n/);
      if (newline === -1) break;
      const line = this.buffer.slice(0, newline);
      const width = this.buffer.startsWith('\r\n', newline) ? 2 : 1;
      this.buffer = this.buffer.slice(newline + width);
      if (line === '') {
        if (this.data.length > 0) events.push(this.data.join('\n'));
        this.data = [];
      } else if (line.startsWith('data:')) {
        this.data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
      }
      // Comments (":") and other fields (event, id, retry) are not used by Memos.
    }
    return events;
  }
}
