import { afterEach, describe, expect, it, vi } from 'vitest'

import { ApiError, request, setAuthHooks, upload } from '@/api/client'
import { fakeApi, problem } from './http'

afterEach(() => {
  vi.unstubAllGlobals()
  setAuthHooks({ token: () => null, refresh: async () => false })
})

describe('api client', () => {
  it('turns a problem document into an ApiError with one message per field', async () => {
    fakeApi({
      'POST /auth/signup': problem(422, {
        detail: 'Invalid input.',
        errors: { json: { email: ['Not a valid email address.'], handle: ['Too short.', 'x'] } },
      }),
    })
    const error = await request('POST', '/auth/signup', { body: {} }).catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(422)
    expect(error.message).toBe('Invalid input.')
    expect(error.fields).toEqual({ email: 'Not a valid email address.', handle: 'Too short.' })
  })

  it('exposes the problem kind and Retry-After', async () => {
    fakeApi({
      'GET /me': {
        ...problem(503, { type: 'https://portrait.dev/problems/model-unavailable' }),
        headers: { 'Retry-After': '7' },
      },
    })
    const error = await request('GET', '/me').catch((e) => e)
    expect(error.kind).toBe('model-unavailable')
    expect(new ApiError(422, { type: 'urn:portrait:problem:avatar-rejected' }).kind).toBe(
      'avatar-rejected',
    )
    expect(error.retryAfter).toBe(7)
  })

  it('sends the bearer token and JSON body', async () => {
    const { calls } = fakeApi({ 'PATCH /me': { body: { handle: 'ada' } } })
    setAuthHooks({ token: () => 'T1', refresh: async () => false })
    const { data } = await request('PATCH', '/me', { body: { bio: 'hi' } })
    expect(data).toEqual({ handle: 'ada' })
    expect(calls[0]!.headers.Authorization).toBe('Bearer T1')
    expect(calls[0]!.headers['Content-Type']).toBe('application/json')
    expect(calls[0]!.body).toEqual({ bio: 'hi' })
  })

  it('refreshes once on 401 and retries with the new token', async () => {
    let token = 'old'
    const { calls } = fakeApi({
      'GET /me': (call) =>
        call.headers.Authorization === 'Bearer new' ? { body: { handle: 'ada' } } : problem(401),
    })
    const refresh = vi.fn(async () => {
      token = 'new'
      return true
    })
    setAuthHooks({ token: () => token, refresh })
    const { data } = await request('GET', '/me')
    expect(data).toEqual({ handle: 'ada' })
    expect(refresh).toHaveBeenCalledTimes(1)
    expect(calls.map((c) => c.headers.Authorization)).toEqual(['Bearer old', 'Bearer new'])
  })

  it('gives up with the 401 when the refresh fails, without a second try', async () => {
    const { calls } = fakeApi({ 'GET /me': problem(401, { detail: 'Token expired.' }) })
    const refresh = vi.fn(async () => false)
    setAuthHooks({ token: () => 'old', refresh })
    const error = await request('GET', '/me').catch((e) => e)
    expect(error.status).toBe(401)
    expect(calls).toHaveLength(1)
  })

  it('never refreshes for anonymous calls such as a wrong password', async () => {
    fakeApi({ 'POST /auth/login': problem(401, { detail: 'Wrong email or password.' }) })
    const refresh = vi.fn(async () => true)
    setAuthHooks({ token: () => null, refresh })
    const error = await request('POST', '/auth/login', { anonymous: true }).catch((e) => e)
    expect(error.message).toBe('Wrong email or password.')
    expect(refresh).not.toHaveBeenCalled()
  })

  it('reports an unreachable server as a network ApiError', async () => {
    vi.stubGlobal('fetch', vi.fn().mockRejectedValue(new TypeError('Failed to fetch')))
    const error = await request('GET', '/me').catch((e) => e)
    expect(error).toBeInstanceOf(ApiError)
    expect(error.status).toBe(0)
    expect(error.message).toMatch(/could not reach/i)
  })

  it('uploads a file as multipart with progress, refreshing once on 401', async () => {
    let token = 'old'
    const { calls } = fakeApi({
      'PUT /me/avatar': (call) =>
        call.headers.Authorization === 'Bearer new' ? { body: { urls: {} } } : problem(401),
    })
    setAuthHooks({
      token: () => token,
      refresh: async () => {
        token = 'new'
        return true
      },
    })
    const progress: number[] = []
    const file = new File(['jpeg bytes'], 'me.jpg', { type: 'image/jpeg' })
    const result = await upload('PUT', '/me/avatar', file, (f) => progress.push(f))
    expect(result).toEqual({ urls: {} })
    expect(calls).toHaveLength(2)
    expect((calls[1]!.body as FormData).get('file')).toBeInstanceOf(File)
    expect(progress.at(-1)).toBe(1)
  })

  it('rejects an upload with the problem document', async () => {
    fakeApi({
      'PUT /me/avatar': problem(422, { type: '/problems/avatar-rejected', detail: 'Nudity.' }),
    })
    const error = (await upload('PUT', '/me/avatar', new Blob(['x'])).catch((e) => e)) as ApiError
    expect(error).toBeInstanceOf(ApiError)
    expect(error.kind).toBe('avatar-rejected')
  })
})
