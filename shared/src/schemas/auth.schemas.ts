import { z } from 'zod';
import { accessLevelSchema } from './common.schemas';

/** Console sign-in. The server answers 401 for any wrong login/password pair, never which one. */
export const loginBodySchema = z.object({
  login: z.string().trim().toLowerCase().min(1, 'is required').max(120),
  password: z.string().min(1, 'is required').max(256),
});
export type LoginBody = z.input<typeof loginBodySchema>;

/** The synchronizer token the console sends back in the `x-csrf-token` header. */
export const csrfTokenResponseSchema = z.object({ csrfToken: z.string() });
export type CsrfTokenResponse = z.infer<typeof csrfTokenResponseSchema>;

/** Who the caller is, and how they signed in. */
export const meSchema = z.object({
  id: z.string(),
  login: z.string(),
  name: z.string(),
  email: z.string().optional(),
  partnerId: z.string().optional(),
  accessLevel: accessLevelSchema,
  isAdmin: z.boolean(),
  teamIds: z.array(z.string()),
  via: z.enum(['session', 'api-token', 'entra']),
  lang: z.string().optional(),
  tz: z.string().optional(),
});
export type Me = z.infer<typeof meSchema>;

export const loginResponseSchema = z.object({ user: meSchema, csrfToken: z.string() });
export type LoginResponse = z.infer<typeof loginResponseSchema>;

/** What the console needs to draw its sign-in page. */
export const authMethodsSchema = z.object({
  password: z.boolean(),
  entra: z.object({
    enabled: z.boolean(),
    startUrl: z.string().optional(),
    /**
     * What the add-ins sign in with as public clients (Outlook: MSAL nested app authentication;
     * Thunderbird: launchWebAuthFlow + PKCE); absent without Entra.
     */
    publicClient: z
      .object({ clientId: z.string(), authority: z.string(), scopes: z.array(z.string()) })
      .optional(),
  }),
});
export type AuthMethods = z.infer<typeof authMethodsSchema>;
