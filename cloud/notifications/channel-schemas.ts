import { z } from 'zod';
import { CHANNEL_KINDS } from './channels/channel-kind.js';
import { webhookKey } from './channels/webhook-channel.js';
import { MESSAGE_LANGUAGES } from './message-catalogue.js';

const NameSchema = z.string().trim().min(1, 'a name is required').max(100);
/** A robot's or receiver's address; http is allowed for a receiver on the same host or network. */
const UrlSchema = z.url({ protocol: /^https?$/, message: 'an http:// or https:// URL' }).max(2000);
const SecretSchema = z.string().trim().min(1).max(500);

/** Secrets the kind checks: a generic webhook's is a Standard Webhooks "whsec_<base64>". */
function checkSecret(kind: string, secret: string | null | undefined, ctx: z.RefinementCtx): void {
  if (kind === 'webhook' && typeof secret === 'string' && webhookKey(secret) === null) {
    ctx.addIssue({ code: 'custom', path: ['secret'], message: 'a webhook secret is "whsec_" followed by base64 (leave it out to have one generated)' });
  }
}

export const NewChannelSchema = z
  .object({
    kind: z.enum(CHANNEL_KINDS),
    name: NameSchema,
    /** The robot's webhook URL as the vendor gives it (a WeCom key or DingTalk access_token in it is kept secret too). */
    url: UrlSchema.nullable().default(null),
    /** DingTalk or Feishu signing secret; a webhook's whsec_ secret (generated when left out). Never returned. */
    secret: SecretSchema.nullable().default(null),
    language: z.enum(MESSAGE_LANGUAGES).default('zh'),
    show_resident_names: z.boolean().default(false),
    enabled: z.boolean().default(true),
  })
  .superRefine((channel, ctx) => {
    if (channel.kind !== 'log' && channel.url === null) ctx.addIssue({ code: 'custom', path: ['url'], message: `a ${channel.kind} channel needs its URL` });
    if (channel.kind === 'log' && channel.url !== null) ctx.addIssue({ code: 'custom', path: ['url'], message: 'a log channel has no URL' });
    checkSecret(channel.kind, channel.secret, ctx);
  });
export type NewChannel = z.input<typeof NewChannelSchema>;

/** A change: what is left out stays; secret null removes it. */
export const ChannelChangeSchema = z
  .object({
    name: NameSchema,
    url: UrlSchema,
    secret: SecretSchema.nullable(),
    language: z.enum(MESSAGE_LANGUAGES),
    show_resident_names: z.boolean(),
    enabled: z.boolean(),
  })
  .partial()
  .strict();
export type ChannelChange = z.input<typeof ChannelChangeSchema>;
