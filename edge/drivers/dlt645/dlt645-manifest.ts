import { meterLineManifest } from '../serial/meter-line-manifest.js';
import { Dlt645DeviceProfileSchema } from './dlt645-profile.js';
import { dlt645Protocol, parseDlt645Address } from './dlt645-protocol.js';

/** DL/T 645-2007 electricity meters on `protocol: dlt645` buses. */
export const dlt645Manifest = meterLineManifest({ profileSchema: Dlt645DeviceProfileSchema, polled: dlt645Protocol, parseAddress: parseDlt645Address });
