import { computed, ref } from 'vue'
import { defineStore } from 'pinia'

import { setAuthHooks } from '@/api/client'
import * as api from '@/api/endpoints'
import type { LoginInput, MfaLogin, Profile, Session, SignupInput, TokenPair } from '@/api/types'

/**
 * Who is signed in. The access token lives in memory only (never localStorage, so a script
 * injected into the page cannot steal a long-lived credential); the refresh token is an
 * httpOnly cookie the browser sends to /auth/refresh, which is how a reload stays signed in.
 */
/**
 * Tabs share one refresh cookie. A Web Lock makes their refreshes take turns, so each spends
 * the cookie the previous one left instead of a spent copy. Where Web Locks are missing, the
 * server's grace window (REFRESH_REUSE_GRACE) covers two tabs restoring at once.
 */
export function acrossTabs<T>(task: () => Promise<T>): Promise<T> {
  const locks = globalThis.navigator?.locks
  return locks ? (locks.request('portrait-refresh', task) as Promise<T>) : task()
}

export const useAuthStore = defineStore('auth', () => {
  const accessToken = ref<string | null>(null)
  const user = ref<Profile | null>(null)
  const isAuthenticated = computed(() => accessToken.value !== null)

  /** Whether the signed-in user may act as `role`: an admin is also a moderator. */
  function hasRole(role: 'moderator' | 'admin'): boolean {
    const held = isAuthenticated.value ? user.value?.role : undefined
    return held === 'admin' || held === role
  }

  function start(session: Session | TokenPair) {
    accessToken.value = session.access_token
    if ('user' in session) user.value = session.user
  }

  function clear() {
    accessToken.value = null
    user.value = null
  }

  // Concurrent 401s share one refresh: the server rotates the cookie on every use and treats
  // a spent refresh token as theft, so two parallel refreshes would end the session.
  let pending: Promise<boolean> | null = null

  function refresh(): Promise<boolean> {
    pending ??= acrossTabs(api.refresh)
      .then(async (pair) => {
        start(pair)
        // A refresh carries no profile: after a reload, ask who we are.
        user.value ??= (await api.readMe()).profile
        return true
      })
      .catch(() => {
        clear()
        return false
      })
      .finally(() => {
        pending = null
      })
    return pending
  }

  // Resolves once the session from a previous visit (if any) has been restored.
  let restoring: Promise<boolean> | null = null
  // Without a refresh cookie there is nothing to restore: skip the request (and its 401).
  const restore = () => (restoring ??= api.hasRefreshCookie() ? refresh() : Promise.resolve(false))

  /** 'signed-in', or 'check-inbox' when the address must be verified first. */
  async function signup(input: SignupInput): Promise<'signed-in' | 'check-inbox'> {
    const answer = await api.signup(input)
    if (!('access_token' in answer)) return 'check-inbox'
    start(answer)
    return 'signed-in'
  }

  /** 'signed-in', or the mfa_token to send with a code when two-factor sign-in is on. */
  async function login(input: LoginInput): Promise<'signed-in' | { mfaToken: string }> {
    const answer = await api.login(input)
    if ('mfa_required' in answer && answer.mfa_required) return { mfaToken: answer.mfa_token }
    start(answer as Session)
    return 'signed-in'
  }

  async function loginSecondFactor(input: MfaLogin) {
    start(await api.loginSecondFactor(input))
  }

  async function logout() {
    try {
      await api.logout()
    } finally {
      clear()
    }
  }

  async function logoutEverywhere() {
    try {
      await api.logoutAll()
    } finally {
      clear()
    }
  }

  setAuthHooks({ token: () => accessToken.value, refresh })

  return {
    accessToken,
    user,
    isAuthenticated,
    hasRole,
    signup,
    login,
    loginSecondFactor,
    logout,
    logoutEverywhere,
    refresh,
    restore,
    clear,
  }
})
