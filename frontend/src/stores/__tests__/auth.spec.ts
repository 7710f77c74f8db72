import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'

import { request } from '@/api/client'
import { aProfile, fakeApi, problem } from '@/api/__tests__/http'
import { useAuthStore } from '@/stores/auth'

const user = aProfile()
const session = (token: string) => ({ status: 200, body: { user, access_token: token } })
const pair = (token: string) => ({ status: 200, body: { access_token: token } })

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => vi.unstubAllGlobals())

describe('useAuthStore', () => {
  it('keeps the access token in memory only', async () => {
    const { calls } = fakeApi({ 'POST /auth/login': session('A1') })
    const auth = useAuthStore()
    await auth.login({ email: 'ada@example.com', password: 'correct horse' })
    expect(auth.isAuthenticated).toBe(true)
    expect(auth.user?.handle).toBe('ada')
    expect(calls[0]!.body).toEqual({ email: 'ada@example.com', password: 'correct horse' })
    // The browser flavour: the refresh token only ever arrives as an httpOnly cookie.
    expect(calls[0]!.query.get('client')).toBe('browser')
    expect(localStorage.length).toBe(0)
    expect(sessionStorage.length).toBe(0)
    expect(document.cookie).not.toContain('A1')
  })

  it('restores the session and the user after a reload from the refresh cookie', async () => {
    const { calls } = fakeApi({
      'POST /auth/refresh': { body: { access_token: 'R1', expires_in: 900 } },
      'GET /me': (call) =>
        call.headers.Authorization === 'Bearer R1' ? { body: user } : problem(401),
    })
    document.cookie = 'csrf_refresh_token=csrf123; path=/'
    const auth = useAuthStore()
    expect(await auth.restore()).toBe(true)
    expect(auth.accessToken).toBe('R1')
    expect(auth.user?.handle).toBe('ada')
    expect(calls[0]!.headers['X-CSRF-TOKEN']).toBe('csrf123')
    document.cookie = 'csrf_refresh_token=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/'
  })

  it('stays signed out when the refresh cookie is no longer valid', async () => {
    fakeApi({ 'POST /auth/refresh': problem(401) })
    document.cookie = 'csrf_refresh_token=old; path=/'
    const auth = useAuthStore()
    expect(await auth.restore()).toBe(false)
    expect(auth.isAuthenticated).toBe(false)
    document.cookie = 'csrf_refresh_token=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/'
  })

  it('does not ask the server when there is no refresh cookie at all', async () => {
    const { calls } = fakeApi({})
    expect(await useAuthStore().restore()).toBe(false)
    expect(calls).toHaveLength(0)
  })

  it('shares one refresh between parallel 401s (a spent refresh token ends the session)', async () => {
    const { calls } = fakeApi({
      'POST /auth/refresh': pair('NEW'),
      'GET /me': (call) =>
        call.headers.Authorization === 'Bearer NEW' ? { body: user } : problem(401),
      'GET /profiles/ada': (call) =>
        call.headers.Authorization === 'Bearer NEW' ? { body: user } : problem(401),
    })
    const auth = useAuthStore()
    auth.accessToken = 'EXPIRED'
    auth.user = user
    await Promise.all([request('GET', '/me'), request('GET', '/profiles/ada')])
    expect(calls.filter((c) => c.path === '/auth/refresh')).toHaveLength(1)
    expect(auth.accessToken).toBe('NEW')
  })

  it('signs out when the refresh is refused', async () => {
    fakeApi({ 'POST /auth/refresh': problem(401), 'GET /me': problem(401) })
    const auth = useAuthStore()
    auth.accessToken = 'EXPIRED'
    await expect(request('GET', '/me')).rejects.toMatchObject({ status: 401 })
    expect(auth.isAuthenticated).toBe(false)
  })

  it('logs out on the server and forgets the token, even when the server is unreachable', async () => {
    const { calls } = fakeApi({
      'POST /auth/login': session('A1'),
      'POST /auth/logout': { status: 204 },
    })
    const auth = useAuthStore()
    await auth.login({ email: 'ada@example.com', password: 'pw' })
    document.cookie = 'csrf_refresh_token=csrf-logout; path=/'
    await auth.logout()
    document.cookie = 'csrf_refresh_token=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/'
    expect(calls.at(-1)!.path).toBe('/auth/logout')
    expect(calls.at(-1)!.headers.Authorization).toBe('Bearer A1')
    expect(calls.at(-1)!.headers['X-CSRF-TOKEN']).toBe('csrf-logout')
    expect(auth.isAuthenticated).toBe(false)

    await auth.login({ email: 'ada@example.com', password: 'pw' })
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('offline')))
    await expect(auth.logout()).rejects.toBeTruthy()
    expect(auth.isAuthenticated).toBe(false)
    expect(auth.user).toBeNull()
  })
})

describe('refreshes across tabs', () => {
  it('takes the Web Lock around the refresh call where there is one', async () => {
    const taken: string[] = []
    const request = vi.fn(async (name: string, task: () => Promise<unknown>) => {
      taken.push(name)
      return task()
    })
    vi.stubGlobal('navigator', { ...navigator, locks: { request } })
    const { calls } = fakeApi({
      'POST /auth/refresh': { body: { access_token: 'R2', expires_in: 900 } },
      'GET /me': { body: user },
    })
    const auth = useAuthStore()
    expect(await auth.refresh()).toBe(true)
    expect(taken).toEqual(['portrait-refresh'])
    expect(calls.filter((c) => c.path === '/auth/refresh')).toHaveLength(1)
  })

  it('refreshes without a lock where Web Locks are missing', async () => {
    vi.stubGlobal('navigator', { ...navigator, locks: undefined })
    fakeApi({
      'POST /auth/refresh': { body: { access_token: 'R3', expires_in: 900 } },
      'GET /me': { body: user },
    })
    const auth = useAuthStore()
    expect(await auth.refresh()).toBe(true)
    expect(auth.accessToken).toBe('R3')
  })
})
