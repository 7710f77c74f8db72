// Typed calls for each endpoint the web app uses. Stores call these; components call stores.
import { request, upload, type Progress } from './client'
import type {
  Accepted,
  Avatar,
  CropBox,
  EmailAddress,
  EmailChange,
  LoginInput,
  MfaChallenge,
  MfaLogin,
  PasswordChange,
  PasswordReset,
  Profile,
  ProfileUpdate,
  PublicProfile,
  Reauth,
  SecurityEventList,
  Session,
  SessionList,
  SignupInput,
  TokenPair,
  TotpDisable,
  TotpEnrolment,
} from './types'

const json = <T>(promise: Promise<{ data: T }>) => promise.then((r) => r.data)

// client=browser: the refresh token comes back only as an httpOnly cookie, never in the body.
// With EMAIL_VERIFICATION=required the answer is 202 {detail}: no session until the mailed link.
export const signup = (input: SignupInput) =>
  json(
    request<Session | Accepted>('POST', '/auth/signup?client=browser', {
      body: input,
      anonymous: true,
    }),
  )

/** A session, or an MfaChallenge when two-factor sign-in is on (then `loginSecondFactor`). */
export const login = (input: LoginInput) =>
  json(
    request<Session | MfaChallenge>('POST', '/auth/login?client=browser', {
      body: input,
      anonymous: true,
    }),
  )

export const loginSecondFactor = (input: MfaLogin) =>
  json(request<Session>('POST', '/auth/login/mfa?client=browser', { body: input, anonymous: true }))

/** Two-factor sign-in: start (password), confirm (first code: recovery codes), turn off. */
export const startTotp = (password: string) =>
  json(request<TotpEnrolment>('POST', '/me/2fa/totp', { body: { password } }))
export const confirmTotp = (code: string) =>
  json(request<{ recovery_codes: string[] }>('POST', '/me/2fa/totp/confirm', { body: { code } }))
export const disableTotp = (input: TotpDisable) =>
  request<void>('DELETE', '/me/2fa/totp', { body: input })

/** Trades the httpOnly refresh cookie for a new access token (and a rotated cookie). */
export const refresh = () =>
  json(request<TokenPair>('POST', '/auth/refresh', { anonymous: true, headers: csrfHeader() }))

/**
 * Ends the session; the server also clears the cookies. The refresh cookie travels to
 * /auth/* too, so the server wants its CSRF twin even though the access token is sent.
 */
export const logout = () => request<void>('POST', '/auth/logout', { headers: csrfHeader() })

/** Ends every session of the account, this one included (cookies cleared too). */
export const logoutAll = () => request<void>('POST', '/auth/logout-all', { headers: csrfHeader() })

export const listSessions = () =>
  json(request<SessionList>('GET', '/me/sessions')).then((r) => r.sessions)

export const endSession = (id: string) =>
  request<void>('DELETE', `/me/sessions/${encodeURIComponent(id)}`)

export const listSecurityEvents = () =>
  json(request<SecurityEventList>('GET', '/me/security-events')).then((r) => r.events)
// The mailed links (docs/accounts.md): each page posts the link's token.
const anonymousPost = <T>(path: string, body: unknown) =>
  json(request<T>('POST', path, { body, anonymous: true }))

export const verifyEmail = (token: string) => anonymousPost<void>('/auth/email/verify', { token })
export const confirmEmail = (token: string) => anonymousPost<void>('/auth/email/confirm', { token })
export const resendVerification = (input: EmailAddress) =>
  anonymousPost<Accepted>('/auth/email/resend', input)
export const forgotPassword = (input: EmailAddress) =>
  anonymousPost<Accepted>('/auth/password/forgot', input)
export const resetPassword = (input: PasswordReset) =>
  anonymousPost<void>('/auth/password/reset', input)
export const changeEmail = (input: EmailChange) =>
  json(request<Accepted>('POST', '/me/email', { body: input }))

/** The profile and its ETag, which PATCH /me sends back in If-Match. */
export async function readMe(): Promise<{ profile: Profile; etag: string | null }> {
  const { data, headers } = await request<Profile>('GET', '/me')
  return { profile: data, etag: headers.get('ETag') }
}

export async function updateMe(
  changes: ProfileUpdate,
  etag: string | null,
): Promise<{ profile: Profile; etag: string | null }> {
  const headers: Record<string, string> = etag ? { 'If-Match': etag } : {}
  const { data, headers: out } = await request<Profile>('PATCH', '/me', { body: changes, headers })
  return { profile: data, etag: out.get('ETag') }
}

export const changePassword = (input: PasswordChange) =>
  request<void>('PUT', '/me/password', { body: input })

export const deleteMe = (input: Reauth) => request<void>('DELETE', '/me', { body: input })

export const uploadAvatar = (file: Blob, onProgress?: Progress) =>
  upload<Avatar>('PUT', '/me/avatar', file, onProgress)

export const recropAvatar = (box: CropBox) =>
  json(request<Avatar>('PATCH', '/me/avatar/crop', { body: box }))

export const deleteAvatar = () => request<void>('DELETE', '/me/avatar')

export const readProfile = (handle: string) =>
  json(request<PublicProfile>('GET', `/profiles/${encodeURIComponent(handle)}`))

// flask-jwt-extended's double-submit CSRF: the readable csrf cookie goes back as a header.
// It is set and cleared together with the httpOnly refresh cookie, so it also tells whether
// there is a session to restore at all.
function csrfToken(): string | null {
  const match = document.cookie.match(/(?:^|;\s*)csrf_refresh_token=([^;]+)/)
  return match?.[1] ? decodeURIComponent(match[1]) : null
}

function csrfHeader(): Record<string, string> {
  const token = csrfToken()
  return token ? { 'X-CSRF-TOKEN': token } : {}
}

export const hasRefreshCookie = () => csrfToken() !== null
