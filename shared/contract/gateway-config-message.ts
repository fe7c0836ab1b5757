import { z } from 'zod';
import { RulesConfigSchema } from './rules-config.js';
import { storableText } from './storable-text.js';

/**
 * The retained config message the cloud sends each gateway: care profiles and rule parameters per
 * household and asset (rules-config.ts). The version is what the gateway reports back in its status.
 */
export const GatewayConfigBodySchema = z.object({
  config_version: storableText().min(1).max(64),
  issued_at: z.iso.datetime({ offset: false }),
  rules: RulesConfigSchema,
});
export type GatewayConfigBody = z.infer<typeof GatewayConfigBodySchema>;
