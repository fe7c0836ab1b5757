/**
 * The signals a household's activity is seen in: its door controller, its water and
 * electricity meters, and its residents' cards at the estate gate. Only real activity counts:
 * a door event, the start of water use, a switch-on; never a keep-alive or a frame that repeats a
 * level (ThingsBoard #12771, #15614: keep-alives counted as activity and inactivity never fired).
 */
export const ACTIVITY_SIGNALS = ['door', 'water', 'electricity', 'gate'] as const;
export type ActivitySignal = (typeof ACTIVITY_SIGNALS)[number];

/** Signals measured inside the home: the door and the gate only show comings and goings. */
export const IN_HOME_SIGNALS: readonly ActivitySignal[] = ['water', 'electricity'];

export function isInHomeSignal(signal: ActivitySignal): boolean {
  return IN_HOME_SIGNALS.includes(signal);
}

/** The signal a device of a profile kind (edge/profiles/device-profile.ts) feeds, if any. */
export function signalOfDeviceKind(kind: string): ActivitySignal | undefined {
  switch (kind) {
    case 'door_access_controller':
      return 'door';
    case 'water_meter':
      return 'water';
    case 'electricity_meter':
      return 'electricity';
    default:
      return undefined;
  }
}

/** One sighting of activity: when, and what it was (a door event type, water_use, power_on...). */
export interface Sighting {
  at: number;
  what: string;
}

/** Signal names for reasons. */
export const SIGNAL_NAMES: Readonly<Record<ActivitySignal, { en: string; zh: string }>> = {
  door: { en: 'door', zh: '门' },
  water: { en: 'water', zh: '用水' },
  electricity: { en: 'electricity', zh: '用电' },
  gate: { en: 'estate gate', zh: '小区门禁' },
};
