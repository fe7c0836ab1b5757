import { z } from 'zod';

/**
 * The retained config message the cloud sends each gateway. Its body (care profiles and rule
 * parameters per resident and asset) is defined with the rules that use it; the version is what the
 * gateway reports back in its status.
 */
export const GatewayConfigBodySchema = z.object({
  config_version: z.string().min(1).max(64),
  issued_at: z.iso.datetime({ offset: false }),
  rules: z.record(z.string(), z.unknown()).default({}),
});
export type GatewayConfigBody = z.infer<typeof GatewayConfigBodySchema>;
