/**
 * Throws, naming `what`, when JSON.stringify would refuse a value or give nothing for it: a BigInt
 * or a cycle anywhere, a function or symbol as the value itself, a toJSON() that throws or gives
 * nothing. Whatever else JSON.stringify quietly turns into something (NaN into null, a nested
 * function or undefined member left out) passes, as it would. It walks the value rather than
 * writing it out: most of a rule's state is numbers, and writing numbers as text is what makes
 * JSON.stringify cost several times the walk (measured on the rules bench's states).
 *
 * `checked`: a value shown before to pass (the state this one replaces). State values are never
 * changed in place once set (memory-rule-state-store.ts), so the objects this value shares with it,
 * where it held them (a household's routine, a meter's floor window, an appliance model's loads),
 * still pass, and are not walked again.
 */
export function assertJsonValue(value: unknown, what: JsonValueName, checked?: unknown): void {
  if (value === checked && value !== undefined) return;
  const kind = typeof value;
  if (value === undefined || kind === 'function' || kind === 'symbol') throw new TypeError(`${nameOf(what)} is not a JSON value`);
  if (kind === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    if (JSON.stringify(value) === undefined) throw new TypeError(`${nameOf(what)} is not a JSON value`);
    return;
  }
  // One array for every walk (a walk leaves it empty, a refused value is cleared here): a commit
  // checks thousands of values, and an array grown for each was most of what it allocated.
  if (ancestors.length !== 0) ancestors.length = 0;
  walk(value, what, checked);
}

/**
 * What a refusal names: a text, or a rule's state entry ("state <rule>/<key>"), whose text is
 * made only when a value is refused (a commit checks thousands that are not).
 */
export type JsonValueName = string | { readonly rule: string; readonly key: string };

function nameOf(what: JsonValueName): string {
  return typeof what === 'string' ? what : `state ${what.rule}/${what.key}`;
}

/** The objects that hold the one being walked (a cycle is one of them again; a shared one is not). */
const ancestors: object[] = [];

/**
 * Members that are not objects are checked here, not in a call each: most are numbers. `checked`:
 * what held the value's place in a value that passed; a member that is the object it held in the
 * same place is skipped.
 */
function walk(value: unknown, what: JsonValueName, checked: unknown): void {
  if (typeof value === 'bigint') throw new TypeError(`${nameOf(what)} holds a BigInt, which JSON cannot`);
  if (typeof value !== 'object' || value === null) return;
  if (ancestors.includes(value)) throw new TypeError(`${nameOf(what)} is cyclic, which JSON cannot hold`);
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    JSON.stringify(value); // throws what JSON.stringify would (a Date gives its text)
    return;
  }
  ancestors.push(value);
  if (Array.isArray(value)) {
    const before = Array.isArray(checked) ? (checked as unknown[]) : undefined;
    for (let index = 0; index < value.length; index++) {
      const member: unknown = value[index];
      if (typeof member === 'object' ? member !== null && member !== before?.[index] : typeof member === 'bigint') walk(member, what, before?.[index]);
    }
  } else {
    const before = typeof checked === 'object' && checked !== null && !Array.isArray(checked) ? (checked as Record<string, unknown>) : undefined;
    for (const key in value) {
      const member = (value as Record<string, unknown>)[key];
      if ((typeof member === 'object' ? member !== null && member !== before?.[key] : typeof member === 'bigint') && Object.hasOwn(value, key)) walk(member, what, before?.[key]);
    }
  }
  ancestors.pop();
}
