/**
 * Exhaustiveness for switches over closed unions: a new member that a switch forgets is a
 * type error at the call, and a value from a corrupt source is a loud error at run time.
 */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
