/** Reading fields of a device's JSON object by dotted path ("AccessControllerEvent.serialNo"). */

export type JsonObject = Record<string, unknown>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at a dotted path; undefined when any step is missing. null counts as missing. */
export function fieldAt(payload: JsonObject, path: string): unknown {
  let node: unknown = payload;
  for (const key of path.split('.')) {
    if (!isJsonObject(node) || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = node[key];
  }
  return node === null ? undefined : node;
}

/** Compact rendering of a device value for a problem message. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
