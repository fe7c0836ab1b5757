/**
 * Vendor event and fault codes as they appear in profiles and payloads: a non-negative integer, or a
 * string holding one in decimal ("25") or hexadecimal ("0x19", the way Hikvision documents its minor
 * codes: device-profiles/README.md). YAML 1.2 already reads an unquoted 0x19 key as 25; both spellings
 * name the same code.
 */
export function parseVendorCode(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^0x[0-9a-f]+$/i.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^\d+$/.test(text)) return Number.parseInt(text, 10);
  return null;
}

/** "0x19 (25)" in messages, so an operator finds the code whichever way the vendor prints it. */
export function describeVendorCode(code: number): string {
  return `0x${code.toString(16).toUpperCase().padStart(2, '0')} (${code})`;
}
