/**
 * A maker of state and timer keys `prefix:id` that makes each key once per id and hands the same
 * string back after: a rule looks its state up on every meter frame, and a string built afresh
 * each time is one more allocation, and one more hash to compute for the lookup. Ids are the
 * estate's devices and units, so the memo is as large as the estate.
 */
export function prefixedKey(prefix: string): (id: string) => string {
  const made = new Map<string, string>();
  return (id) => {
    let key = made.get(id);
    if (key === undefined) made.set(id, (key = `${prefix}:${id}`));
    return key;
  };
}
