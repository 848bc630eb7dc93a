/**
 * The fake server's live event hub (`GET /api/v1/sse`), as Memos v0.30 behaves:
 *  - the stream starts with the comment `: connected`; each event is one unnamed
 *    `data: {"type","name"}` line, with no id and no replay;
 *  - events about PRIVATE memos reach only their creator (and admins); PUBLIC/PROTECTED
 *    ones reach every subscriber;
 *  - each subscriber has a 32-frame buffer (the unread `: connected` comment counts): an
 *    event that finds it full is silently dropped, or (0.31, `disconnectSlowClients`) the
 *    subscriber is disconnected (its stream ends);
 *  - an event about a comment also carries `parent`.
 * For fault injection a test can install `faults`, which decides per event and subscriber to
 * deliver, drop, duplicate or hold it back (a held event is delivered after the next
 * delivered one: reordering), feed arbitrary events with `emit`, and cut every stream.
 */

export interface SseEvent {
  type: 'memo.created' | 'memo.updated' | 'memo.deleted' | 'memo.comment.created';
  name: string;
  /** Set when the memo is a comment (sent). */
  parent?: string;
  /** Routing only, never sent. */
  visibility: string;
  creatorId: number;
}

export type SseFaultDecision = 'deliver' | 'drop' | 'duplicate' | 'hold';

export interface SseSubscriberInfo {
  userId: number;
  username: string;
  admin: boolean;
  /** The User-Agent the stream was opened with (tells one user's clients apart in tests). */
  client?: string;
}

const BUFFER_EVENTS = 32;
const encoder = new TextEncoder();

interface Subscriber extends SseSubscriberInfo {
  controller: ReadableStreamDefaultController<Uint8Array>;
  held: string[];
  closed: boolean;
}

export class FakeSseHub {
  private readonly subscribers = new Set<Subscriber>();
  faults: ((event: SseEvent, subscriber: SseSubscriberInfo) => SseFaultDecision) | undefined;
  /** Events dropped because a subscriber's buffer was full (the v0.30 behaviour). */
  overflowDrops = 0;
  /** 0.31: a full buffer disconnects the subscriber instead of dropping the event. */
  disconnectSlowClients = false;
  /** Subscribers disconnected for a full buffer (the 0.31 behaviour). */
  overflowDisconnects = 0;

  get subscriberCount(): number {
    return this.subscribers.size;
  }

  /** A new stream for `info`; ends when `signal` aborts or the hub cuts it. */
  open(info: SseSubscriberInfo, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
    let subscriber: Subscriber | undefined;
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (controller) => {
          subscriber = { ...info, controller, held: [], closed: false };
          this.subscribers.add(subscriber);
          controller.enqueue(encoder.encode(': connected\n\n'));
        },
        cancel: () => {
          if (subscriber) this.detach(subscriber);
        },
      },
      { highWaterMark: 0 },
    );
    signal?.addEventListener('abort', () => {
      if (!subscriber || subscriber.closed) return;
      this.detach(subscriber);
      subscriber.controller.error(new DOMException('The operation was aborted.', 'AbortError'));
    });
    return stream;
  }

  broadcast(event: SseEvent): void {
    for (const subscriber of [...this.subscribers]) {
      const allowed =
        event.visibility !== 'PRIVATE' || subscriber.userId === event.creatorId || subscriber.admin;
      if (!allowed) continue;
      const decision = this.faults?.(event, subscriber) ?? 'deliver';
      const payload = {
        type: event.type,
        name: event.name,
        ...(event.parent ? { parent: event.parent } : {}),
      };
      const frame = `data: ${JSON.stringify(payload)}\n\n`;
      if (decision === 'drop') continue;
      if (decision === 'hold') {
        subscriber.held.push(frame);
        continue;
      }
      this.write(subscriber, frame);
      if (decision === 'duplicate') this.write(subscriber, frame);
      for (const held of subscriber.held.splice(0)) this.write(subscriber, held);
    }
  }

  /** Ends every open stream cleanly (the client sees the body end). */
  disconnectAll(): void {
    for (const subscriber of [...this.subscribers]) {
      this.detach(subscriber);
      subscriber.controller.close();
    }
  }

  private write(subscriber: Subscriber, frame: string): void {
    if (subscriber.closed) return;
    if ((subscriber.controller.desiredSize ?? 0) <= -BUFFER_EVENTS) {
      if (this.disconnectSlowClients) {
        this.overflowDisconnects++;
        this.detach(subscriber);
        subscriber.controller.close();
      } else {
        this.overflowDrops++;
      }
      return;
    }
    subscriber.controller.enqueue(encoder.encode(frame));
  }

  private detach(subscriber: Subscriber): void {
    subscriber.closed = true;
    this.subscribers.delete(subscriber);
  }
}
