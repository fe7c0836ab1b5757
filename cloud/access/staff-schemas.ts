import { z } from 'zod';
import { LocalIdSchema } from '../../shared/contract/index.js';
import { PhoneSchema } from '../estates/phone-mask.js';
import { BUILDING_LIMITED_ROLES, RoleSchema } from './roles.js';

/**
 * A sign-in name: 3-64 characters of a-z, 0-9, ".", "_", "-", "@" (an e-mail address fits),
 * compared in lower case.
 */
export const LoginSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._@-]{2,63}$/, 'a login is 3-64 characters of a-z, 0-9, ".", "_", "-" or "@"');

/**
 * Passwords (NIST SP 800-63B section 5.1.1.2: at least 8 characters, at least 64 allowed, no
 * composition rules): at least 10 here, since staff reach residents' sensitive data; any characters.
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;
export const PasswordSchema = z
  .string()
  .min(PASSWORD_MIN_LENGTH, `a password has at least ${PASSWORD_MIN_LENGTH} characters`)
  .max(PASSWORD_MAX_LENGTH, `a password has at most ${PASSWORD_MAX_LENGTH} characters`);

export const DisplayNameSchema = z.string().trim().min(1, 'a name is required').max(100);

/** A role in one estate (estate_id null: admin of every estate), a housekeeper's optionally limited to buildings. */
export const GrantInputSchema = z
  .object({
    estate_id: LocalIdSchema.nullable(),
    role: RoleSchema,
    building_ids: z.array(LocalIdSchema).min(1).max(200).nullable().default(null),
  })
  .refine((grant) => grant.building_ids === null || BUILDING_LIMITED_ROLES.has(grant.role), {
    message: 'only a housekeeper role can be limited to buildings',
    path: ['building_ids'],
  })
  .refine((grant) => grant.estate_id !== null || grant.role === 'admin', {
    message: 'only the admin role can be held in every estate (estate_id null)',
    path: ['estate_id'],
  });
export type GrantInput = z.infer<typeof GrantInputSchema>;

/** The mobile number WeCom and DingTalk robots mention a member by. */
export const StaffMobileSchema = PhoneSchema;
/** A Feishu user's open_id ("ou_" and hex), how Feishu bots mention them. */
export const FeishuOpenIdSchema = z.string().trim().regex(/^ou_[A-Za-z0-9]{1,64}$/, 'a Feishu open_id: "ou_" followed by letters and digits');

/** How chat robots mention a member; null clears one. */
export const MentionHandlesSchema = z
  .object({ mobile: StaffMobileSchema.nullable(), feishu_open_id: FeishuOpenIdSchema.nullable() })
  .partial()
  .strict();
export type MentionHandles = z.input<typeof MentionHandlesSchema>;

export const NewStaffSchema = z
  .object({
    login: LoginSchema,
    display_name: DisplayNameSchema,
    /** null: no password sign-in (an integration account that uses API tokens). */
    password: PasswordSchema.nullable(),
    grants: z.array(GrantInputSchema).min(1, 'give at least one role').max(100),
    mobile: StaffMobileSchema.nullable().default(null),
    feishu_open_id: FeishuOpenIdSchema.nullable().default(null),
  })
  .refine((staff) => staff.password === null || staff.password.toLowerCase() !== staff.login, {
    message: 'the password must not be the login',
    path: ['password'],
  });
export type NewStaff = z.input<typeof NewStaffSchema>;

export const FirstAdminSchema = z.object({ login: LoginSchema, display_name: DisplayNameSchema, password: PasswordSchema });
export type FirstAdmin = z.input<typeof FirstAdminSchema>;
