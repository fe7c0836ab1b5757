import { SERIAL_LINE_FIELDS, type SerialLineField, type SerialLineFields } from './serial-line.js';

/** A profile as far as its serial line goes: the settings its model ships with, if it says. */
export interface ProfileLine {
  id: string;
  factory_line?: SerialLineFields | undefined;
}

/** One line setting the profiles on a bus do not agree on. */
export interface LineDisagreement {
  field: SerialLineField;
  /** Each value some profiles ship with, and those profiles. */
  values: Array<{ value: number | string; profiles: string[] }>;
}

export interface FactoryLine {
  /** The settings every profile that names one agrees on. */
  agreed: SerialLineFields;
  /** The settings two profiles name differently. */
  disagreements: LineDisagreement[];
}

/**
 * What the profiles of the devices on one bus say about the line their meters ship with. A setting
 * is agreed when every profile that names it names the same value; a profile that names none has no
 * say (its model's factory setting is not known).
 */
export function factoryLineOf(profiles: readonly ProfileLine[]): FactoryLine {
  const agreed: Record<string, number | string> = {};
  const disagreements: LineDisagreement[] = [];
  const distinct = [...new Map(profiles.map((profile) => [profile.id, profile])).values()];
  for (const field of SERIAL_LINE_FIELDS) {
    const byValue = new Map<number | string, string[]>();
    for (const profile of distinct) {
      const value = profile.factory_line?.[field];
      if (value !== undefined) byValue.set(value, [...(byValue.get(value) ?? []), profile.id]);
    }
    const [only, ...others] = byValue.keys();
    if (only !== undefined && others.length === 0) agreed[field] = only;
    if (others.length > 0) disagreements.push({ field, values: [...byValue].map(([value, ids]) => ({ value, profiles: ids })) });
  }
  return { agreed: agreed as SerialLineFields, disagreements };
}
