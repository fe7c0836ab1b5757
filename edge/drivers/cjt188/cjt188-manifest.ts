import { meterLineManifest } from '../serial/meter-line-manifest.js';
import { Cjt188DeviceProfileSchema } from './cjt188-profile.js';
import { cjt188Protocol, parseCjt188Address } from './cjt188-protocol.js';

/** CJ/T 188-2004 water and gas meters on `protocol: cjt188` buses. */
export const cjt188Manifest = meterLineManifest({ profileSchema: Cjt188DeviceProfileSchema, polled: cjt188Protocol, parseAddress: parseCjt188Address });
