/**
 * StartupError: a problem the operator can fix (bad flag, port in use, unreadable certificate,
 * missing build). Invariant: its message is ONE line that says what is wrong and what to do,
 * so the CLI can print it verbatim and exit non-zero without a stack trace.
 */
export class StartupError extends Error {
  override name = 'StartupError';

  constructor(message: string) {
    super(message.replace(/\s*\n\s*/g, ' '));
  }
}

/** The `code` of a Node system error (`ENOENT`, `EACCES`, …), or the message when there is none. */
export function errorCode(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return typeof code === 'string' ? code : error.message;
  }
  return String(error);
}
