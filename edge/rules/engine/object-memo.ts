/**
 * What `build` makes of an object (a rules config, or a part of one), made once per object and
 * kept while the object lives. The object asked for last is answered without a WeakMap lookup: the
 * rules ask on every frame of the estate, and the config in force changes seldom.
 */
export function memoByObject<K extends object, V>(build: (key: K) => V): (key: K) => V {
  const made = new WeakMap<K, { value: V }>();
  let last: { key: K; value: V } | undefined;
  return (key) => {
    if (last !== undefined && last.key === key) return last.value;
    let entry = made.get(key);
    if (entry === undefined) made.set(key, (entry = { value: build(key) }));
    last = { key, value: entry.value };
    return entry.value;
  };
}
