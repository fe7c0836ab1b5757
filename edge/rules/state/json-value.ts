/**
 * Throws, naming `what`, when JSON.stringify would refuse a value or give nothing for it: a BigInt
 * or a cycle anywhere, a function or symbol as the value itself, a toJSON() that throws or gives
 * nothing. Whatever else JSON.stringify quietly turns into something (NaN into null, a nested
 * function or undefined member left out) passes, as it would. It walks the value rather than
 * writing it out: most of a rule's state is numbers, and writing numbers as text is what makes
 * JSON.stringify cost several times the walk (measured on the rules bench's states).
 */
export function assertJsonValue(value: unknown, what: string): void {
  const kind = typeof value;
  if (value === undefined || kind === 'function' || kind === 'symbol') throw new TypeError(`${what} is not a JSON value`);
  if (kind === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    if (JSON.stringify(value) === undefined) throw new TypeError(`${what} is not a JSON value`);
    return;
  }
  walk(value, [], what);
}

/**
 * `ancestors`: the objects that hold this one (a cycle is one of them again; a shared one is not).
 * Members that are not objects are checked here, not in a call each: most are numbers.
 */
function walk(value: unknown, ancestors: object[], what: string): void {
  if (typeof value === 'bigint') throw new TypeError(`${what} holds a BigInt, which JSON cannot`);
  if (typeof value !== 'object' || value === null) return;
  if (ancestors.includes(value)) throw new TypeError(`${what} is cyclic, which JSON cannot hold`);
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    JSON.stringify(value); // throws what JSON.stringify would (a Date gives its text)
    return;
  }
  ancestors.push(value);
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const member: unknown = value[index];
      if (typeof member === 'object' ? member !== null : typeof member === 'bigint') walk(member, ancestors, what);
    }
  } else {
    for (const key in value) {
      const member = (value as Record<string, unknown>)[key];
      if ((typeof member === 'object' ? member !== null : typeof member === 'bigint') && Object.hasOwn(value, key)) walk(member, ancestors, what);
    }
  }
  ancestors.pop();
}
