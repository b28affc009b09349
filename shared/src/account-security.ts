// The wire side of securing and recovering an account (issue 15): password change and reset, e-mail
// verification, the second factor (TOTP and recovery codes), sessions, the tenant's security policy and
// the login-protection state admins see.
import { z } from 'zod';
import { idSchema, isoDateTimeSchema } from './ids.ts';
import { emailSchema, passwordSchema } from './tenant.ts';

/** A single-use token from an e-mailed link (verification, reset) or a login challenge. */
const linkTokenSchema = z.string().min(1, 'must not be empty').max(200, 'must be at most 200 characters');

/** Sign-up answers the same whether or not the address is already registered: nothing to enumerate. */
export const signUpAcceptedSchema = z
  .object({
    status: z.literal('verification-sent'),
    message: z.string(),
  })
  .meta({ id: 'SignUpAccepted' });
export type SignUpAccepted = z.infer<typeof signUpAcceptedSchema>;

/** What the password-reset and resend-verification requests answer, whatever the address. */
export const mailAcceptedSchema = z
  .object({ status: z.literal('accepted'), message: z.string() })
  .meta({ id: 'MailAccepted' });
export type MailAccepted = z.infer<typeof mailAcceptedSchema>;

export const emailOnlySchema = z.strictObject({ email: emailSchema }).meta({ id: 'EmailOnly' });
export type EmailOnly = z.infer<typeof emailOnlySchema>;

export const verifyEmailSchema = z.strictObject({ token: linkTokenSchema }).meta({ id: 'VerifyEmail' });
export type VerifyEmail = z.infer<typeof verifyEmailSchema>;

export const changePasswordSchema = z
  .strictObject({
    currentPassword: z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters'),
    newPassword: passwordSchema,
  })
  .meta({ id: 'ChangePassword' });
export type ChangePassword = z.infer<typeof changePasswordSchema>;

export const resetPasswordSchema = z
  .strictObject({ token: linkTokenSchema, newPassword: passwordSchema })
  .meta({ id: 'ResetPassword' });
export type ResetPassword = z.infer<typeof resetPasswordSchema>;

/** A six-digit code from an authenticator app. */
export const totpCodeSchema = z
  .string()
  .trim()
  .regex(/^\d{6}$/, 'must be the 6-digit code your authenticator app shows');

/** A recovery code as printed (xxxxx-xxxxx); case and the dash do not matter. */
export const recoveryCodeSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9]{5}-?[A-Za-z0-9]{5}$/, 'must be a recovery code such as 7kq2m-x9wpd');

/**
 * The second step of a login: the challenge token from the first step, and a code from the
 * authenticator app or one recovery code.
 */
export const mfaLoginSchema = z
  .strictObject({
    challengeToken: linkTokenSchema,
    code: totpCodeSchema.optional(),
    recoveryCode: recoveryCodeSchema.optional(),
  })
  .refine((input) => (input.code === undefined) !== (input.recoveryCode === undefined), {
    message: 'send either code or recoveryCode',
    path: ['code'],
  })
  .meta({ id: 'MfaLogin' });
export type MfaLogin = z.infer<typeof mfaLoginSchema>;

export const mfaChallengeTokenSchema = z
  .strictObject({ challengeToken: linkTokenSchema })
  .meta({ id: 'MfaChallengeToken' });

export const mfaEnrolmentConfirmSchema = z
  .strictObject({ challengeToken: linkTokenSchema, code: totpCodeSchema })
  .meta({ id: 'MfaEnrolmentConfirm' });
export type MfaEnrolmentConfirm = z.infer<typeof mfaEnrolmentConfirmSchema>;

/**
 * The first step of a login answered with a challenge instead of a session: a code is needed
 * (`mfa-code`), or the tenant requires a second factor the user has not set up yet (`mfa-enrolment`).
 */
export const loginChallengeSchema = z
  .object({
    challenge: z.enum(['mfa-code', 'mfa-enrolment']),
    challengeToken: z.string().meta({ description: 'Single-use; valid for 5 minutes and 5 attempts' }),
    expiresAt: isoDateTimeSchema,
  })
  .meta({ id: 'LoginChallenge' });
export type LoginChallenge = z.infer<typeof loginChallengeSchema>;

/** A new TOTP secret to put in an authenticator app (shown once; confirmed with a first code). */
export const totpEnrolmentSchema = z
  .object({
    secret: z.string().meta({ description: 'Base32; type it in when the QR code cannot be scanned' }),
    otpauthUri: z.string().meta({ description: 'otpauth://totp/… for a QR code' }),
    issuer: z.string(),
    account: z.string(),
  })
  .meta({ id: 'TotpEnrolment' });
export type TotpEnrolment = z.infer<typeof totpEnrolmentSchema>;

export const totpConfirmSchema = z.strictObject({ code: totpCodeSchema }).meta({ id: 'TotpConfirm' });
export type TotpConfirm = z.infer<typeof totpConfirmSchema>;

export const recoveryCodesSchema = z
  .object({
    recoveryCodes: z
      .array(z.string())
      .meta({ description: 'Ten single-use codes; shown only in this response, stored hashed' }),
  })
  .meta({ id: 'RecoveryCodes' });
export type RecoveryCodes = z.infer<typeof recoveryCodesSchema>;

export const disableMfaSchema = z
  .strictObject({ password: z.string().min(1, 'must not be empty').max(256), code: totpCodeSchema })
  .meta({ id: 'DisableMfa' });
export type DisableMfa = z.infer<typeof disableMfaSchema>;

export const mfaStatusSchema = z
  .object({
    enabled: z.boolean(),
    enabledAt: isoDateTimeSchema.nullable(),
    recoveryCodesLeft: z.number().int(),
    requiredByPolicy: z
      .boolean()
      .meta({ description: "The tenant requires a second factor for this user's role" }),
  })
  .meta({ id: 'MfaStatus' });
export type MfaStatus = z.infer<typeof mfaStatusSchema>;

/** One signed-in session of the caller (or, for admins, of a user). */
export const sessionInfoSchema = z
  .object({
    id: idSchema,
    current: z.boolean(),
    createdAt: isoDateTimeSchema,
    lastUsedAt: isoDateTimeSchema,
    expiresAt: isoDateTimeSchema.meta({ description: 'The absolute end of the session' }),
    idleExpiresAt: isoDateTimeSchema
      .nullable()
      .meta({ description: 'When it ends unless used again; null without an idle limit' }),
    userAgent: z.string().nullable(),
    ipAddress: z.string().nullable(),
  })
  .meta({ id: 'SessionInfo' });
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export const revokeSessionsQuerySchema = z.strictObject({
  keepCurrent: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true')
    .meta({ description: 'true: sign out everywhere else, keep this session' }),
});

/** The tenant's account security policy (owner). */
export const securityPolicySchema = z
  .object({
    mfaRequiredForAdmins: z
      .boolean()
      .meta({ description: 'Owners and admins must use a second factor to log in' }),
    sessionIdleMinutes: z
      .number()
      .int()
      .nullable()
      .meta({ description: 'A session unused this long ends; null: no idle limit' }),
    sessionAbsoluteHours: z.number().int().meta({ description: 'A session ends this long after login' }),
  })
  .meta({ id: 'SecurityPolicy' });
export type SecurityPolicy = z.infer<typeof securityPolicySchema>;

export const updateSecurityPolicySchema = z
  .strictObject({
    mfaRequiredForAdmins: z.boolean().optional(),
    sessionIdleMinutes: z
      .number()
      .int('must be a whole number of minutes')
      .min(5, 'must be 5-10080 minutes')
      .max(10_080, 'must be 5-10080 minutes')
      .nullable()
      .optional(),
    sessionAbsoluteHours: z
      .number()
      .int('must be a whole number of hours')
      .min(1, 'must be 1-720 hours')
      .max(720, 'must be 1-720 hours')
      .optional(),
  })
  .refine(
    (patch) => Object.values(patch).some((value) => value !== undefined),
    'send at least one field to change',
  )
  .meta({ id: 'UpdateSecurityPolicy' });
export type UpdateSecurityPolicy = z.infer<typeof updateSecurityPolicySchema>;

/**
 * What an admin sees of a user's login protection: whether logins from devices the user has not used
 * before are held back after failed attempts (devices the user logged in from before are never held
 * back by that), and the devices the user logged in from.
 */
export const loginProtectionSchema = z
  .object({
    userId: idSchema,
    email: z.string(),
    unknownDevices: z.object({
      lockedOut: z.boolean(),
      retryAfterSeconds: z.number().int().meta({ description: '0 when not locked out' }),
      lockedUntil: isoDateTimeSchema.nullable(),
    }),
    knownDevices: z.array(
      z.object({
        id: idSchema,
        userAgent: z.string().nullable(),
        ipAddress: z.string().nullable(),
        firstSeenAt: isoDateTimeSchema,
        lastUsedAt: isoDateTimeSchema,
      }),
    ),
    mfaEnabled: z.boolean(),
  })
  .meta({ id: 'LoginProtection' });
export type LoginProtection = z.infer<typeof loginProtectionSchema>;
