/**
 * The mobile-app flow through the typescript-fetch client that openapi-generator made from
 * the API's document, and nothing else (no hand-written request). Run by
 * tests/contract/test_typescript_client.py as `tsx flow.ts BASE REFUSING_BASE PHOTO HANDLE`
 * beside the generated `client/`; prints what it saw as JSON, which tests/contract/flow.py
 * checks (the same checks as for the Python client).
 */
import { readFileSync } from 'node:fs'

import {
  AuthApi,
  AvatarApi,
  Configuration,
  MeApi,
  MediaApi,
  ProfilesApi,
  ProblemFromJSON,
  ResponseError,
  type PublicProfile,
} from './client/index'

const [base, refusingBase, photoPath, handle] = process.argv.slice(2)
const password = 'correct horse battery'
const photo = () => new Blob([readFileSync(photoPath)], { type: 'image/jpeg' })

/** One API's clients; the token provider answers per security scheme of the operation. */
function clients(basePath: string) {
  const tokens = { access: '', refresh: '' }
  const configuration = new Configuration({
    basePath,
    accessToken: async (name?: string) => (name === 'refreshBearer' ? tokens.refresh : tokens.access),
  })
  return {
    tokens,
    auth: new AuthApi(configuration),
    me: new MeApi(configuration),
    avatar: new AvatarApi(configuration),
    profiles: new ProfilesApi(configuration),
    media: new MediaApi(configuration),
  }
}

/** The status and decoded Problem of a call that must fail. */
async function refusal(call: () => Promise<unknown>) {
  try {
    await call()
  } catch (error) {
    if (!(error instanceof ResponseError)) throw error
    const text = await error.response.text()
    const problem = text ? ProblemFromJSON(JSON.parse(text)) : null
    return { status: error.response.status, problem }
  }
  throw new Error('the call succeeded but should have failed')
}

function profileView(status: number, profile: PublicProfile) {
  return {
    status,
    handle: profile.handle,
    avatar_sizes: profile.avatar === null ? null : Object.keys(profile.avatar.urls ?? {}).sort(),
    default_avatar_url: profile.defaultAvatar.urls['256'] ?? null,
  }
}

async function main() {
  const api = clients(base)
  const seen: Record<string, unknown> = {}
  const email = `${handle}@example.com`
  const signup = await api.auth.signupRaw({ signup: { email, password, handle, displayName: 'TS Client' } })
  const created = await signup.value()
  seen.signup = {
    status: signup.raw.status,
    avatar_is_null: created.user.avatar === null,
    has_refresh_token: Boolean(created.refreshToken),
  }
  const login = await api.auth.loginRaw({ login: { email: email.toUpperCase(), password } })
  const session = await login.value()
  // A login answers a session, or {mfaRequired, mfaToken} when two-factor sign-in is on.
  if (session.mfaRequired || !session.user || !session.accessToken) {
    throw new Error('a session was expected')
  }
  api.tokens.access = session.accessToken
  api.tokens.refresh = session.refreshToken ?? ''
  seen.login = { status: login.raw.status, handle: session.user.handle }

  const read = await api.me.readMeRaw({})
  const etag = read.raw.headers.get('ETag') ?? ''
  seen.read_me = { status: read.raw.status, email: (await read.value()).email, etag }
  seen.read_me_cached = await refusal(() => api.me.readMeRaw({ ifNoneMatch: etag }))
  const update = await api.me.updateMeRaw({ ifMatch: etag, profileUpdate: { bio: 'Generated' } })
  seen.update = {
    status: update.raw.status,
    bio: (await update.value()).bio,
    etag: update.raw.headers.get('ETag'),
  }
  seen.stale_update = await refusal(() =>
    api.me.updateMeRaw({ ifMatch: etag, profileUpdate: { bio: 'Lost update' } }),
  )

  const before = await api.profiles.readProfileRaw({ handle })
  seen.profile_without_picture = profileView(before.raw.status, await before.value())
  const upload = await api.avatar.uploadAvatarRaw({ file: photo() })
  const avatar = await upload.value()
  seen.upload = { status: upload.raw.status, sizes: Object.keys(avatar.urls ?? {}).sort() }
  const file = await api.media.readMediaRaw({ key: (avatar.urls?.['256'] ?? '').split('/').pop()! })
  seen.media = {
    status: file.raw.status,
    content_type: file.raw.headers.get('Content-Type'),
    bytes: (await file.value()).size,
  }
  const after = await api.profiles.readProfileRaw({ handle })
  seen.profile_with_picture = profileView(after.raw.status, await after.value())

  const refresh = await api.auth.refreshTokensRaw()
  const pair = await refresh.value()
  seen.refresh = {
    status: refresh.raw.status,
    rotated: Boolean(pair.refreshToken) && pair.refreshToken !== api.tokens.refresh,
  }
  api.tokens.access = pair.accessToken
  api.tokens.refresh = pair.refreshToken ?? ''
  const logout = await api.auth.logoutRaw()
  seen.logout = { status: logout.raw.status }
  seen.after_logout = await refusal(() => api.me.readMeRaw({}))

  const refusing = clients(refusingBase)
  const other = await refusing.auth.signup({
    signup: { email, password, handle, displayName: 'TS Client' },
  })
  refusing.tokens.access = other.accessToken
  seen.refusal = await refusal(() => refusing.avatar.uploadAvatarRaw({ file: photo() }))
  process.stdout.write(JSON.stringify(seen))
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
